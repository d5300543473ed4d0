// Fictitious people: first and last names by region of origin, with nationality and languages.
// Any similarity to real persons is coincidental.

export interface Origin {
  nationality: string;
  languages: string[];
  weight: number;
  female: string[];
  male: string[];
  last: string[];
}

export const ORIGINS: Origin[] = [
  {
    nationality: "Syrien",
    languages: ["Arabisch"],
    weight: 22,
    female: ["Amal", "Rasha", "Lina", "Nour", "Hiba", "Yara", "Rana", "Dima", "Salma", "Reem"],
    male: ["Ahmad", "Mohammad", "Omar", "Khaled", "Yusuf", "Hassan", "Ali", "Samer", "Bashar", "Karim"],
    last: ["Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Hamdan", "Ibrahim", "Jaber"],
  },
  {
    nationality: "Afghanistan",
    languages: ["Dari", "Paschtu"],
    weight: 18,
    female: ["Fatima", "Zahra", "Maryam", "Parisa", "Soraya", "Nargis", "Laila", "Shabnam", "Madina", "Farzana"],
    male: ["Ahmad", "Mustafa", "Farid", "Jawad", "Sayed", "Naveed", "Rahim", "Hamid", "Zabihullah", "Bilal"],
    last: ["Ahmadi", "Rahimi", "Hussaini", "Karimi", "Sultani", "Noori", "Hakimi", "Stanikzai", "Mohammadi", "Sadat"],
  },
  {
    nationality: "Ukraine",
    languages: ["Ukrainisch", "Russisch"],
    weight: 16,
    female: ["Olena", "Iryna", "Natalia", "Oksana", "Tetiana", "Yulia", "Kateryna", "Svitlana", "Anastasiia", "Mariia"],
    male: ["Oleksandr", "Andrii", "Dmytro", "Serhii", "Mykola", "Ivan", "Yurii", "Bohdan", "Taras", "Vitalii"],
    last: ["Kovalenko", "Bondarenko", "Shevchenko", "Tkachenko", "Kravchenko", "Melnyk", "Boiko", "Marchenko", "Savchenko", "Rudenko"],
  },
  {
    nationality: "Irak",
    languages: ["Arabisch", "Kurdisch (Kurmandschi)"],
    weight: 9,
    female: ["Shirin", "Ronahi", "Hana", "Zeynab", "Avin", "Sara", "Delal", "Jiyan", "Berivan", "Noor"],
    male: ["Dilshad", "Rebwar", "Haval", "Azad", "Karwan", "Salah", "Hoshyar", "Mahmoud", "Shivan", "Ali"],
    last: ["Barzani", "Hasso", "Murad", "Qasim", "Khidir", "Sinjari", "Haji", "Rashid", "Suleiman", "Ismail"],
  },
  {
    nationality: "Türkei",
    languages: ["Türkisch", "Kurdisch (Kurmandschi)"],
    weight: 9,
    female: ["Ayşe", "Elif", "Zeynep", "Merve", "Hatice", "Emine", "Büşra", "Derya", "Gül", "Songül"],
    male: ["Mehmet", "Mustafa", "Emre", "Burak", "Hüseyin", "Murat", "Serkan", "Deniz", "Yusuf", "Cem"],
    last: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan"],
  },
  {
    nationality: "Guinea",
    languages: ["Französisch", "Ful"],
    weight: 8,
    female: ["Mariama", "Fatoumata", "Aissatou", "Kadiatou", "Hawa", "Mariame", "Oumou", "Djenabou", "Aminata", "Binta"],
    male: ["Mamadou", "Alpha", "Ibrahima", "Ousmane", "Amadou", "Abdoulaye", "Sekou", "Boubacar", "Thierno", "Lansana"],
    last: ["Diallo", "Barry", "Bah", "Sow", "Camara", "Condé", "Keita", "Touré", "Sylla", "Baldé"],
  },
  {
    nationality: "Eritrea",
    languages: ["Tigrinya"],
    weight: 6,
    female: ["Helen", "Senait", "Luwam", "Ruta", "Saba", "Yordanos", "Mebrat", "Feven", "Selam", "Winta"],
    male: ["Yonas", "Dawit", "Filmon", "Robel", "Tesfay", "Samuel", "Kidane", "Mehari", "Biniam", "Henok"],
    last: ["Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Kidane", "Woldu", "Abraha", "Tekle", "Habte", "Ghebreyesus"],
  },
  {
    nationality: "Nigeria",
    languages: ["Englisch", "Yoruba"],
    weight: 5,
    female: ["Blessing", "Chioma", "Ngozi", "Funmilayo", "Aisha", "Esther", "Joy", "Adaeze", "Folake", "Grace"],
    male: ["Emeka", "Chinedu", "Tunde", "Ibrahim", "Samuel", "Oluwaseun", "Uche", "Femi", "Musa", "David"],
    last: ["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Bello", "Ogunleye", "Obi", "Ibrahim"],
  },
  {
    nationality: "Iran",
    languages: ["Persisch"],
    weight: 4,
    female: ["Maryam", "Shirin", "Neda", "Sara", "Leila", "Parisa", "Mahsa", "Nazanin", "Roya", "Samira"],
    male: ["Reza", "Ali", "Hossein", "Amir", "Mehdi", "Saeed", "Behnam", "Kian", "Arash", "Navid"],
    last: ["Hosseini", "Rezaei", "Mousavi", "Jafari", "Karimi", "Ahmadi", "Sadeghi", "Moradi", "Ghorbani", "Rahmani"],
  },
  {
    nationality: "Somalia",
    languages: ["Somali"],
    weight: 3,
    female: ["Hodan", "Fadumo", "Asha", "Sahra", "Ifrah", "Hibo", "Nasra", "Ayan", "Ladan", "Muna"],
    male: ["Abdirahman", "Mohamed", "Abdi", "Ahmed", "Hassan", "Yusuf", "Farah", "Liban", "Said", "Osman"],
    last: ["Warsame", "Farah", "Abdullahi", "Hussein", "Jama", "Aden", "Elmi", "Nur", "Dahir", "Gedi"],
  },
];

export const STREETS = [
  "Bahnhofstraße", "Hauptstraße", "Gartenstraße", "Schulstraße", "Lindenweg", "Kirchstraße", "Am Markt",
  "Düsseldorfer Straße", "Talstraße", "Mühlenweg", "Rosenstraße", "Bergstraße",
];
