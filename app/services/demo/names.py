"""Names for demo data: common Afghan and Iranian names in Persian script with typical romanisations."""

MALE = [
    ("محمد", "Mohammad"), ("احمد", "Ahmad"), ("علی", "Ali"), ("حسین", "Hossein"), ("حسن", "Hassan"),
    ("عبدالله", "Abdullah"), ("عبدالرحمن", "Abdulrahman"), ("غلام", "Ghulam"), ("نورالله", "Noorullah"),
    ("رحمت‌الله", "Rahmatullah"), ("ظاهر", "Zaher"), ("نجیب", "Najib"), ("فرید", "Farid"), ("جاوید", "Javid"),
    ("شفیق", "Shafiq"), ("بشیر", "Bashir"), ("نصیر", "Nasir"), ("قادر", "Qader"), ("کریم", "Karim"),
    ("رحیم", "Rahim"), ("یوسف", "Yousef"), ("ابراهیم", "Ebrahim"), ("اسماعیل", "Esmail"), ("موسی", "Musa"),
    ("عیسی", "Isa"), ("داوود", "Davood"), ("سلیمان", "Soleiman"), ("مجید", "Majid"), ("رضا", "Reza"),
    ("مهدی", "Mahdi"), ("امیر", "Amir"), ("سعید", "Saeed"), ("جواد", "Javad"), ("مرتضی", "Morteza"),
    ("مصطفی", "Mostafa"), ("نادر", "Nader"), ("صادق", "Sadegh"), ("گل‌محمد", "Gul Mohammad"), ("شیرآقا", "Sher Agha"),
    ("خان‌محمد", "Khan Mohammad"), ("عبدالقادر", "Abdul Qader"), ("ذبیح‌الله", "Zabihullah"), ("سمیع", "Sami"),
    ("وحید", "Vahid"), ("حمید", "Hamid"), ("یعقوب", "Yaqub"), ("اکبر", "Akbar"), ("اصغر", "Asghar"),
    ("ناصر", "Naser"), ("عزیز", "Aziz"), ("سرور", "Sarwar"), ("مسعود", "Masoud"), ("همایون", "Homayoun"),
    ("عارف", "Aref"), ("ادریس", "Idris"), ("الیاس", "Elyas"), ("طاهر", "Taher"), ("منصور", "Mansour"),
]

FEMALE = [
    ("فاطمه", "Fatemeh"), ("زهرا", "Zahra"), ("مریم", "Maryam"), ("معصومه", "Masoumeh"), ("زینب", "Zeinab"),
    ("خدیجه", "Khadijeh"), ("سکینه", "Sakineh"), ("گل‌بی‌بی", "Gul Bibi"), ("بی‌بی‌گل", "Bibi Gul"), ("ملالی", "Malalai"),
    ("فریبا", "Fariba"), ("نرگس", "Narges"), ("شکریه", "Shukria"), ("نجیبه", "Najiba"), ("حمیده", "Hamideh"),
    ("رقیه", "Roghayeh"), ("لیلا", "Leila"), ("سارا", "Sara"), ("آمنه", "Ameneh"), ("عایشه", "Aisha"),
    ("شیرین", "Shirin"), ("پروین", "Parvin"), ("ثریا", "Soraya"), ("نسرین", "Nasrin"), ("مینا", "Mina"),
    ("هاجر", "Hajar"), ("کبری", "Kobra"), ("صغری", "Soghra"), ("طاهره", "Tahereh"), ("ملیحه", "Maliheh"),
    ("نازنین", "Nazanin"), ("سمیرا", "Samira"), ("فرشته", "Fereshteh"), ("مهتاب", "Mahtab"), ("گلالی", "Gulalai"),
    ("زرغونه", "Zarghona"), ("پلوشه", "Palwasha"), ("ستاره", "Setareh"), ("حلیمه", "Halimeh"), ("راضیه", "Razieh"),
]

FAMILY = [
    ("احمدی", "Ahmadi"), ("محمدی", "Mohammadi"), ("حسینی", "Hosseini"), ("رضایی", "Rezaei"), ("کریمی", "Karimi"),
    ("هزاره", "Hazara"), ("نوری", "Noori"), ("رحیمی", "Rahimi"), ("ریگی", "Rigi"), ("شهرکی", "Shahraki"),
    ("سارانی", "Sarani"), ("بلوچ", "Baloch"), ("دهواری", "Dehvari"), ("نارویی", "Narouei"), ("براهویی", "Brahui"),
    ("میرزایی", "Mirzaei"), ("قاسمی", "Ghasemi"), ("جعفری", "Jafari"), ("صادقی", "Sadeghi"), ("اکبری", "Akbari"),
    ("یوسفی", "Yousefi"), ("عزیزی", "Azizi"), ("افغان", "Afghan"), ("هراتی", "Herati"), ("کابلی", "Kabuli"),
    ("تاجیک", "Tajik"), ("ازبک", "Uzbek"), ("پوپل", "Popal"), ("درانی", "Durrani"), ("غوری", "Ghori"),
]

# Romanisations vary widely in the field (docs/architecture.md, "Domain facts"): demo data uses some variants so duplicate matching is exercised.
VARIANTS = {
    "Mohammad": ["Muhammad", "Mohamad", "Mohammed"], "Ahmad": ["Ahmed"], "Hossein": ["Hussain", "Hosein"],
    "Fatemeh": ["Fatima", "Fatema"], "Zahra": ["Zahraa"], "Abdullah": ["Abdollah"], "Yousef": ["Yusuf"],
}

COMPLAINTS = [
    ("cough and fever for 3 days", "سرفه و تب از سه روز پیش"), ("diarrhoea since yesterday", "اسهال از دیروز"),
    ("headache", "سردرد"), ("abdominal pain", "درد شکم"), ("itchy skin rash", "خارش و بثورات پوستی"),
    ("back pain", "کمردرد"), ("antenatal check", "مراقبت بارداری"), ("child not gaining weight", "وزن‌نگرفتن کودک"),
    ("painful urination", "سوزش ادرار"), ("ear pain", "گوش‌درد"), ("toothache", "دندان‌درد"),
    ("high blood pressure follow-up", "پیگیری فشار خون"), ("sore throat", "گلودرد"), ("joint pains", "درد مفاصل"),
    ("wound on the leg", "زخم پا"), ("shortness of breath", "تنگی نفس"), ("eye redness", "قرمزی چشم"),
]
