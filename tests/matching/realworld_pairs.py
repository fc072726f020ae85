"""Arabic/Latin name pairs as real records write them: a red-team set for `rank_candidates` (issue #10).

How it was made: written by hand by a helper session (translit), from its own knowledge of how
camp registers write names in Arabic and how Western, embassy and NGO records of nationals of
various countries write the same names in Latin script — NOT from the repository's name tables
(`name_variants`, `lexicon`), the demo names or `bench/matching.py`. The people are synthetic:
random combinations of common given, father's and family names, no real person. The spellings
follow usage the author knows (French civil registers in the Maghreb and France/Belgium, English
press and ALA-LC, German/Dutch and Scandinavian registers, Turkish orthography, Russian-register
forms of Dagestan, Chechnya and Central Asia with -ov/-ova and patronymics, Malaysian/Indonesian
spelling with bin/binti and sy/dz, Egyptian and Sudanese g for ج/ق, Iraqi and Gulf forms, Somali
orthography with x for ح and c for ع), so they are the author's knowledge and may be wrong in places;
they were not checked against a corpus.

Each line: sex | the record (given/father/grandfather/family, as registered; an empty part is left
out) [+ kunya alias] | the query (the other record's rendering) | a tag (the convention or region).
"""

from dataclasses import dataclass

PAIRS_TEXT = """
# --- French style: France, Belgium, Morocco, Tunisia, Algeria ------------------------------------
M | يوسف/عبد القادر//الموساوي | Youssef Abdelkader EL MOUSSAOUI | fr
F | فاطمة/محمد//الموساوي | EL MOUSSAOUI Fatima | fr-family-first
M | عبد الرحمن/أحمد//بن علي | Abderrahmane BEN ALI | fr
F | خديجة/عمر//بوزيد | Khadidja Omar Bouzid | dz
M | نور الدين/صالح//الطرابلسي | Noureddine Salah Trabelsi | tn
F | وردة/عبد الله//العلوي | Ouarda Abdellah Alaoui | ma
M | عبد الحق/محمد//الإدريسي | Abdelhak Mohamed Idrissi | ma
F | نجاة/أحمد//الشرقاوي | Najat Ahmed Cherkaoui | ma
M | رشيد/عبد السلام//بنجلون | Rachid Abdeslam Benjelloun | ma
F | سعاد/حسن//الفاسي | Souad Hassan El Fassi | ma
M | ياسين/عبد العزيز//الحمداوي | Yacine Abdelaziz Hamdaoui | fr
F | زهرة/علي//بلقاسم | Zohra Ali Belkacem | dz
M | مصطفى/بشير//بن يوسف | Mustapha Bachir Benyoucef | dz
F | حليمة/قاسم//الزياني | Halima Kacem Ziani | ma
M | إسماعيل/عمر//الشابي | Smail Omar Chebbi | tn
F | مريم/إبراهيم//السويسي | Meriem Brahim Souissi | tn
M | هشام/عبد الكريم//الجزيري | Hichem Abdelkrim Jaziri | tn
F | أمينة/عبد الرزاق//بن سالم | Amina Abderrazak Ben Salem | tn
M | سفيان/الطاهر//المنصوري | Soufiane Tahar Mansouri | fr
F | سهام/عبد الحميد//بوعزيز | Siham Abdelhamid Bouaziz | dz
M | جمال/عبد الله//زروال | Djamel Abdallah Zeroual | dz
F | نادية/سعيد//حداد | Nadia Said Haddad | dz
M | عبد الإله/محمد//بنكيران | Abdelilah Mohamed Benkirane | ma
F | سكينة/الحسين//العمراني | Sakina El Houssine Amrani | ma
M | أيوب/رضوان//الوزاني | Ayoub Redouane Ouazzani | ma
F | إكرام/عبد اللطيف//الصقلي | Ikram Abdellatif Skalli | ma
M | إبراهيم/عبد القادر/محمد/الشريف | Brahim Abdelkader Mohamed Cherif | dz
F | خيرة/محمد//بن عودة | Kheira Mohamed Benaouda | dz
M | عادل/مختار//الغربي | Adel Mokhtar Gharbi | tn
F | أسماء/فتحي//بن عمر | Asma Fathi Ben Amor | tn
M | عبد الرحيم/إدريس//التازي | Abderrahim Driss Tazi | ma
F | لطيفة/الهاشمي//القادري | Latifa Hachemi Kadiri | ma
M | وليد/عبد المجيد//بوخريص | Walid Abdelmadjid Boukhris | dz
F | فضيلة/عمار//بن الشيخ | Fadila Ammar Bencheikh | dz
M | طارق/شعيب//العياشي | Tarek Chouaib Ayachi | ma
F | حنان/عبد الرحمن//الشاوي | Hanane Abderrahmane Chaoui | ma
M | أنس/الحبيب//السباعي | Anas Habib Sebai | ma
F | فاطمة الزهراء/محمد//بنعلي | Fatima-Zahra Mohamed Benali | ma
M | محمد أمين/رشيد//الكتاني | Mohamed Amine Rachid Kettani | ma
F | شيماء/عبد الواحد//الإدريسي | Chaimae Abdelouahed Idrissi | ma
M | عبد الصمد/الحسن//اليعقوبي | Abdessamad Lahcen Yacoubi | ma
F | كوثر/صلاح الدين//الدريدي | Kaouther Salaheddine Dridi | tn
M | زكرياء/عبد النبي//الرحماني | Zakaria Abdennabi Rahmani | ma
F | ربيعة/الطيب//بلحاج | Rabia Tayeb Belhadj | dz
M | مهدي/عبد الكريم//العيساوي | Mehdi Abdelkrim Aissaoui | dz
F | عائشة/أحمد//بن عبد الله | Aicha Ahmed Benabdallah | ma
M | عبد الغني/مبارك//الزموري | Abdelghani Mbarek Zemmouri | ma
F | نعيمة/عبد القادر//بوشامة | Naima Abdelkader Bouchama | dz
# --- English press, ALA-LC: UK, US, Australia ---------------------------------------------------
F | فاطمة/حسين/محمد/العلي | Fatima Hussein Mohammed Al-Ali | en
M | عبد الله/خالد//الشمري | Abdullah Khalid Al-Shammari | en
F | زينب/علي//الحسيني | Zainab Ali Al-Husseini | en
M | عمر/عبد الرحمن//الدوري | Omar Abdulrahman Al-Douri | en
F | عائشة/يوسف//الخطيب | Aisha Yousef Al-Khatib | en
M | حمزة/سعيد//التميمي | Hamza Saeed Al-Tamimi | en
F | رقية/عبد العزيز//القحطاني | Ruqayyah Abdulaziz Al-Qahtani | en
M | صلاح الدين/محمود//الأيوبي | Salahuddin Mahmoud Al-Ayoubi | en
F | أسماء/إبراهيم//الحربي | Asmaa Ibrahim Alharbi | en
M | مصطفى/جعفر//الموسوي | Mustafa Jaafar al-Musawi | en
F | هدى/عبد الكريم//العبيدي | Huda Abdulkarim Al-Obaidi | en
M | أسامة/فيصل//الأنصاري | Osama Faisal Al Ansari | en
F | سمية/طارق//الزعبي | Sumaya Tariq Al-Zoubi | en
M | إبراهيم/عبد الله/محمد/النعيمي | Ibrahim Abdallah Muhammad Al-Nuaimi | en
F | نور/حسام//البغدادي | Noor Hussam Al-Baghdadi | en
M | يعقوب/إسحاق//الأزدي | Yaqub Ishaq al-Azdi | ala-lc
F | مريم/عبد الرحمن//الصالح | Maryam Abd al-Rahman al-Salih | ala-lc
M | حسين/علي//الربيعي | Husayn Ali al-Rubayi | ala-lc
F | سعاد/مؤمن//الكبيسي | Suad Mumin al-Kubaysi | ala-lc
M | عبد الرؤوف/شاكر//العاني | Abdul Rauf Shakir Al-Ani | en
F | رحمة/أنور//الجبوري | Rahma Anwar Al-Jubouri | en
M | أنور/عبد الوهاب//الشيخ | Anwar Abdul Wahab Al-Sheikh | en
F | ليلى/بكر//الحلبي | Layla Bakr al-Halabi | en
M | منذر/غسان//الحمصي | Munther Ghassan Al-Homsi | en
F | آمنة/سليمان//الأحمد | Amena Suleiman Al Ahmad | en
M | عبد الهادي/ناصر//العتيبي | Abdulhadi Nasser Al-Otaibi | en
F | شهد/رائد//المصري | Shahad Raed Al-Masri | en
M | عثمان/ياسر//الحداد | Uthman Yasir al-Haddad | en
F | جميلة/عبد الغني//السوري | Jamila Abdul Ghani Al-Souri | en
M | قتيبة/هاشم//الراوي | Qutaiba Hashim Al-Rawi | en
F | صفية/عبد الله//الدباغ | Safiyyah Abdullah Al-Dabbagh | en
M | إدريس/يحيى//الأسدي | Idris Yahya Al-Asadi | en
# --- German and Dutch registers -----------------------------------------------------------------
M | خالد/يوسف//الشامي | Chalid Jussuf Al-Schami | de
M | جمال/محمود//العمر | Dschamal Mahmud El-Omar | de
F | ياسمين/أحمد//السيد | Jasmin Achmed Al-Sayed | de
M | شريف/حسن//الكردي | Scharif Hassan Al-Kurdi | de
F | زينب/جميل//الخوري | Zainab Dschamil El-Churi | de
M | يوسف/عبد الله//الحسن | Jussuf Abdallah Al-Hassan | de
F | خديجة/محمد//الجابر | Chadidscha Mohammad Al-Dschaber | de
M | ياسر/وليد//الشيخ | Jasser Walid Al-Scheich | de
F | هاجر/عمر//العزاوي | Hadjar Omar Al-Azzawi | de
M | أحمد/صالح//الطويل | Ahmad Saleh Al-Tawil | de
F | سارة/يحيى//البكري | Sarah Jahja Al-Bakri | de
M | يونس/يعقوب//الصغير | Junus Jakub Al-Saghir | de
F | مروة/إياد//السعدي | Marwa Ijad Al-Saadi | de
M | جابر/ياسين//القاضي | Dschabir Jasin Al-Kadi | de
M | مصطفى/كمال//بوجمعة | Moestafa Kamal Boujemaa | nl
F | فاطمة/عبد السلام//البوعزاتي | Fatima Abdeslam El Bouazzati | nl
M | يوسف/إدريس//الحمداوي | Joesoef Idris Hamdaoui | nl
F | نعيمة/محمد//الورياغلي | Naima Mohamed El Ouariaghli | nl
M | حسن/علي//الخطابي | Hassan Ali El Khattabi | nl
F | سلمى/عبد الكريم//الحموتي | Salma Abdelkarim El Hamouti | nl
# --- Turkish orthography ------------------------------------------------------------------------
F | عائشة/محمد//الحلبي | Ayşe Mehmet Halebi | tr
F | خديجة/أحمد//الكردي | Hatice Ahmet Kürdi | tr
M | حسين/مصطفى//الشامي | Hüseyin Mustafa Şami | tr
F | زينب/عثمان//الحسن | Zeynep Osman El-Hasan | tr
M | عبد القادر/إبراهيم//الحمصي | Abdülkadir İbrahim Humsi | tr
F | هاجر/خليل//العلي | Hacer Halil El Ali | tr
M | نجم الدين/سليمان//الإدلبي | Necmettin Süleyman İdlibi | tr
F | سمية/يوسف//المحمد | Sümeyye Yusuf El Muhammed | tr
M | جمال/حمزة//العمر | Cemal Hamza Ömer | tr
F | رقية/بلال//الأحمد | Rukiye Bilal Ahmed | tr
M | نور الدين/عمر//الشيخ | Nurettin Ömer Şeyh | tr
F | فاطمة/إسماعيل//القاسم | Fatma İsmail Kasım | tr
M | أيوب/يعقوب//المصري | Eyüp Yakup Mısri | tr
F | صالحة/عبد الرحمن//الحسين | Saliha Abdurrahman Hüseyin | tr
M | علاء الدين/كمال//الخطيب | Alaattin Kemal Hatip | tr
F | أمينة/عبد العزيز//الحمود | Emine Abdülaziz Hamud | tr
M | محمد أمين/هاشم//الحموي | Muhammed Emin Haşim Hamevi | tr
F | مريم/جلال//الرفاعي | Meryem Celal Rıfai | tr
F | كبرى/صادق//الجاسم | Kübra Sadık Casim | tr
M | شمس الدين/رمضان//الناصر | Şemsettin Ramazan Nasır | tr
F | حواء/يحيى//العمر | Havva Yahya Ömer | tr
M | صديق/محمود//السعيد | Sıddık Mahmut Said | tr
# --- Russian registers: Dagestan, Chechnya, Central Asia ----------------------------------------
M | محمد/عبد الله//إسماعيلوف | Magomed Abdullaevich Ismailov | ru
F | عائشة/محمد//ماغوميدوفا | Aishat Magomedovna Magomedova | ru
M | أحمد/حسن//عمروف | Akhmed Khasanovich Umarov | ru
F | خديجة/يوسف//يوسوبوفا | Khadizhat Yusupovna Yusupova | ru
M | رمضان/عمر//سعيدوف | Ramzan Umarovich Saidov | ru
F | فاطمة/عبد الرحمن//عبد الرحمانوفا | Fatima Abdurakhmanovna Abdurakhmanova | ru
M | إبراهيم/علي//علييف | Ibragim Alievich Aliev | ru
F | مدينة/إسماعيل//حاجييفا | Madina Ismailovna Gadzhieva | ru
M | حسين/مراد//قربانوف | Gusein Muradovich Kurbanov | ru
M | عبد الكريم/سليمان//رحيموف | Abdulkerim Suleymanovich Rakhimov | ru
F | زاهدة/رشيد//كريموفا | Zakhida Rashidovna Karimova | ru
M | يوسف/عبد العزيز//شريفوف | Yusuf Abdulazizovich Sharipov | tj
F | نسيبة/إسحاق//عثمانوفا | Nasiba Iskhakovna Usmanova | uz
M | حسن/إسماعيل//نظروف | Khasan Ismoilovich Nazarov | uz
M | عبد الرحيم/عبد الله//حميدوف | Abdurakhim Abdullayevich Khamidov | uz
F | صفية/نصر الله//رحمانوفا | Safiya Nasrullaevna Rakhmonova | tj
M | سيف الله/محمد//عزيزوف | Sayfullo Mukhammadovich Azizov | tj
F | زليخة/داود//داودوفا | Zulaykho Davudovna Davudova | tj
M | نور الدين/أحمد//أحمدوف | Nuriddin Akhmadovich Akhmadov | tj
M | عبد الملك/زكريا//إسلاموف | Abdumalik Zakariyaevich Islamov | kz
F | عائشة/قاسم//قاسموفا | Aisha Kasymovna Kasymova | kz
M | مراد/حسين//علييف | Murad Guseinovich Aliyev | ru
F | حليمة/خليل//خليلوفا | Khalima Khalilovna Khalilova | ru
M | شامل/محمد//حاجييف | Shamil Magomedovich Gadzhiev | ru
F | زهرة/عبد الرشيد//رشيدوفا | Zukhra Abdurashidovna Rashidova | uz
M | خالد/صالح//صالحوف | Khalid Salikhovich Salikhov | ru
M | عبد الله/يحيى//يحيايف | Abdulla Yakhyaevich Yakhyaev | ru
F | مريم/طاهر//طاهروفا | Mariyam Takhirovna Takhirova | ru
M | سعيد/أمين//أمينوف | Said Aminovich Aminov | kz
F | كلثوم/حسن//حسنوفا | Kulsum Khasanovna Khasanova | uz
M | مجيد/عارف//عارفوف | Madzhid Arifovich Arifov | ru
F | آمنة/حمزة//حمزاتوفا | Aminat Khamzatovna Khamzatova | ru
# --- Malaysia and Indonesia ---------------------------------------------------------------------
M | محمد/عبد الله | Muhammad bin Abdullah | my
F | عائشة/أحمد | Siti Aisyah binti Ahmad | my
M | شريف/حسن | Syarif Hasan | id
M | شمس الدين/يوسف | Syamsuddin Yusuf | id
M | ذو الكفل/عثمان | Zulkifli bin Osman | my
F | نور الهدى/إبراهيم | Nurul Huda binti Ibrahim | my
M | توفيق/هداية الله | Taufik Hidayatullah | id
F | حفيظة/عبد الرحمن | Hafizah binti Abdul Rahman | my
M | زين العابدين/إسماعيل | Zainal Abidin bin Ismail | my
M | أشرف/فاضل | Asyraf bin Fadhil | my
F | رحمة/صالح | Rahmah binti Saleh | my
M | رضوان/كمال | Ridwan Kamal | id
F | فاطمة/يونس | Fatimah binti Yunus | my
M | عبد الرؤوف/قاسم | Abdul Rauf bin Kassim | my
F | زليخة/عارف | Zulaikha binti Arif | my
M | فوزي/عبد الغفور | Fauzi Abdul Ghafur | id
M | خير الدين/شكري | Khairuddin Syukri | id
F | سلمى/فؤاد | Salmah Fuad | id
M | ذاكر/حمزة | Dzakir Hamzah | id
F | خديجة/مصطفى | Khadijah binti Mustafa | my
# --- Egypt and Sudan ----------------------------------------------------------------------------
M | جمال/عبد الناصر//حجازي | Gamal Abdel Nasser Hegazy | eg
F | هاجر/رجب//الشاذلي | Hagar Ragab El-Shazly | eg
F | نجوى/مجدي//عزت | Nagwa Magdy Ezzat | eg
M | شريف/عبد المجيد//السيد | Sherif Abdel Meguid El Sayed | eg
M | مصطفى/حسني//سليمان | Mostafa Hosny Soliman | eg
F | هدى/وجدي//شوقي | Hoda Wagdy Shawky | eg
M | عمرو/فتحي//البنا | Amr Fathy El-Banna | eg
F | نجلاء/جلال//الجمال | Naglaa Galal El Gammal | eg
M | رجب/عبد الجواد//النجار | Ragab Abdel Gawad El Naggar | eg
F | منى/سامي//زكي | Mona Samy Zaki | eg
M | هاني/جابر//عبد الغني | Hany Gaber Abdel Ghany | eg
F | ياسمين/طارق//المنشاوي | Yasmine Tarek El Menshawy | eg
M | محمود/عبد الحليم//حسنين | Mahmoud Abdel Halim Hassanein | eg
F | سعاد/جمعة//الجندي | Soad Gomaa El Gindy | eg
M | حجاج/نجيب//مرسي | Haggag Nagib Morsy | eg
F | إيمان/عبد الرحمن//الجزار | Eman Abdelrahman El Gazzar | eg
M | أحمد/عبد الفتاح//الجيزاوي | Ahmed Abdel Fattah El Gizawy | eg
F | أسماء/مجدي//جاد | Asmaa Magdy Gad | eg
M | الصادق/عوض//الأمين | Elsadig Awad Elamin | sd
M | الفاتح/الطيب//النور | Elfatih Eltayeb Elnour | sd
F | سارة/عبد الرحيم//عثمان | Sara Abdelrahim Osman | sd
M | مصطفى/الأمين//عبد القادر | Mustafa Elamin Abdelgadir | sd
F | إخلاص/بابكر//محجوب | Ikhlas Babiker Mahgoub | sd
M | عثمان/حامد//الشيخ | Osman Hamid Elsheikh | sd
# --- Iraq and the Gulf --------------------------------------------------------------------------
M | كاظم/جاسم//الجبوري | Kadhim Jassim Al-Jubouri | iq
M | عبد الأمير/حسين//الدليمي | Abdul-Ameer Hussein Al-Dulaimi | iq
F | ضحى/فلاح//العزاوي | Dhuha Falah Al-Azzawi | iq
M | ضياء/عبد الجبار//الكبيسي | Dhiaa Abduljabbar Al-Kubaisi | iq
F | زهراء/قاسم//الموسوي | Zahraa Qassim Al-Mousawi | iq
M | ستار/جبار//العبيدي | Sattar Jabbar Al-Obaidi | iq
M | راشد/خلفان//المنصوري | Rashed Khalfan Al Mansoori | gulf
F | مريم/سيف//الكعبي | Mariam Saif Al Kaabi | gulf
M | محمد/عبد الله//الشحي | Mohd Abdulla Al Shehhi | gulf
F | نورة/فهد//العنزي | Noura Fahad Al-Enezi | gulf
M | سعود/مبارك//الغامدي | Saud Mubarak Al-Ghamdi | gulf
F | لطيفة/حمد//الكواري | Latifa Hamad Al-Kuwari | gulf
M | ظافر/مشعل//القحطاني | Dhafer Mishal Al-Qahtani | gulf
M | قاسم/عبد الزهرة//الساعدي | Gasim Abdulzahra Al-Saadi | iq
F | بشرى/عدنان//الطائي | Bushra Adnan Al-Taie | iq
M | حيدر/عبد الحسين//الخفاجي | Haider Abdulhussein Al-Khafaji | iq
F | رغد/ثامر//الشمري | Raghad Thamer Al-Shammari | iq
M | عقيل/مطلق//العتيبي | Aqeel Mutlaq Al-Otaibi | gulf
# --- Sweden, Finland, Norway --------------------------------------------------------------------
M | يوسف/أحمد//الحسن | Jusuf Ahmad Alhasan | se
F | ياسمين/يحيى//الخطيب | Jasmin Jahja Alkhatib | se
M | يونس/عمر//الشيخ | Junis Omar Alsheikh | no
F | سجى/يعقوب//العمر | Saja Jaqub Alomar | se
M | أيمن/ياسر//الحموي | Ajman Jasser Alhamwi | se
F | ريم/جاسم//السالم | Rim Jasim Alsalem | se
M | بلال/جمعة//الأسعد | Bilal Djuma Alasad | fi
F | آية/حسام//الحمادي | Aja Hussam Alhammadi | fi
M | هيثم/مراد//الزين | Haitham Murad Alzein | no
F | سلوى/عيسى//الخليل | Salwa Isa Alkhalil | no
M | يحيى/زياد//اليوسف | Jahja Zijad Aljusuf | fi
F | إسراء/يزن//الدباغ | Israa Jazan Aldabbagh | se
M | مهند/سعيد//الجاسم | Mohanad Said Aljasem | se
F | جنى/وسيم//الرفاعي | Jana Wasim Alrifai | se
# --- Somalia (Somali orthography and English) and Sudan -----------------------------------------
M | محمد/عبد الله//حسن | Maxamed Cabdullaahi Xasan | so
F | فاطمة/علي//عمر | Faadumo Cali Cumar | so
F | عائشة/حسين//إبراهيم | Caasha Xuseen Ibraahim | so
M | أحمد/عثمان//يوسف | Axmed Cismaan Yuusuf | so
F | حليمة/عبد القادر//محمود | Xaliimo Cabdiqaadir Maxamuud | so
M | عبد الرحمن/سعيد//علي | Abdirahman Said Ali | so
F | مريم/حمزة//عثمان | Maryan Xamse Cusmaan | so
M | يوسف/محمد//فارح | Yusuf Mohamed Farah | so
F | خديجة/عبد الله//عيسى | Khadija Abdullahi Ciise | so
# --- Latin against Latin ------------------------------------------------------------------------
M | Muhammad/Ali//Al-Hassan | Mehmet Ali Hasan | latin
M | Mohammed/Yusuf//Al-Khatib | Mohamed Youssef El Khatib | latin
M | Mukhammad/Abdulla//Karimov | Muhammad Abdullah Karimov | latin
F | Khadija/Ahmed//Al-Sharif | Hatice Ahmet Şerif | latin
F | Aisha/Omar//Al-Jaber | Aïcha Oumar Jaber | latin
M | Hussein/Mahmoud//Al-Tikriti | Houssine Mahmoud Tikriti | latin
F | Zainab/Hassan//Al-Najjar | Zeynep Hasan Najjar | latin
M | Abdulrahman/Ibrahim//Al-Shami | Abderrahmane Brahim Chami | latin
M | Yusuf/Ismail//Al-Masri | Yousif Ismaeel Almasri | latin
F | Fatima/Ibrahim//Al-Hashimi | Fatma Ibrahim Hachemi | latin
M | Uthman/Abdulaziz//Al-Harbi | Osman Abdelaziz Harbi | latin
F | Maryam/Yaqub//Al-Hamad | Meryem Yakup Hamad | latin
M | Jamal/Khalil//Al-Qasim | Djamel Khalil Kacem | latin
F | Khadija/Saleh//Al-Ahmad | Khadidja Saleh Ahmed | latin
M | Mustafa/Hamza//Al-Obaidi | Moustapha Hamza Obeidi | latin
M | Abdelkader/Mohamed//Benali | Abdulkadir Muhammad Ben Ali | latin
F | Amina/Yahya//Al-Saadi | Emine Yahya Saadi | latin
M | Ibrahim/Musa//Al-Tamimi | Ibragim Musa Tamimi | latin
M | Magomed/Rasul//Gadzhiev | Muhammad Rasul Hajiyev | latin
F | Aishat/Akhmed//Umarova | Aisha Ahmed Umarova | latin
# --- Other order, dropped parts, capitals ------------------------------------------------------
F | ريم/حسين/محمد/العلي | AL-ALI, Rim Hussein | order
M | خالد/عبد الله//الشمري | AL SHAMMARI Khalid Abdullah | order
F | نور/علي/حسن/الحسيني | Nour Ali Al-Husseini | dropped
M | عمر/يوسف/إبراهيم/الكردي | Omar Al-Kurdi | dropped
F | ليلى/سامي/عبد الله/الحلبي | HALABI Leila Sami | order
M | إسماعيل/حسن//النجار | Al-Najjar, Ismail Hassan | order
F | رنا/محمود/أحمد/الخطيب | Rana Mahmoud Alkhatib | dropped
M | عبد العزيز/فيصل/سعد/العتيبي | ALOTAIBI ABDULAZIZ FAISAL | order
F | سلمى/جمال//الصباغ | SABBAGH Salma | order
M | بشار/منير//الأحمد | EL AHMAD Bachar Mounir | order
F | آمنة/عادل/رضا/الموصلي | Amna Adel Reda Mosuli | dropped
M | طه/ياسين//البزاز | BAZZAZ, Taha Yassin | order
F | دعاء/خالد//العبد الله | Doaa Khaled Al-Abdullah | order
M | ماهر/عبد اللطيف//الحمصي | Maher Abdellatif | dropped
# --- Kunyas -------------------------------------------------------------------------------------
F | هند/خالد//العمري + أم محمد | Oum Mohamed Hind | kunya
M | عبد الله/سالم//الأحمد + أبو عمر | Abu Omar Abdallah Al-Ahmad | kunya
F | سعاد/رشيد//القاضي + أم علي | Umm Ali Souad Rachid | kunya
M | حسن/قاسم//الشمري + أبو حسين | Abou Houssein Hassan Chammari | kunya
M | يوسف/عيسى//الأيوبي + أبو البراء | Abu al-Baraa Yusuf Issa | kunya
F | زينب/هادي//الربيعي + أم حيدر | Ummu Haidar Zainab Hadi | kunya
"""

# Different names that registers keep apart although they look alike: a confuser swaps one for the other.
LOOKALIKES = """
حسن حسين | محمد محمود | سعد سعيد | فاطمة فاتن | أحمد حامد | عمر عمار | يوسف يونس | سامي سامر | مريم مرام
أمينة أميرة | زينب زينة | جمال جميل | سالم سليم | هدى هند | رشيد راشد | صالح صلاح | علي عادل | خالد خليل
عائشة عاتكة | خديجة خدوج | إبراهيم إسماعيل | عبد الله عبد الإله | عبد الرحمن عبد الرحيم | قاسم جاسم
سعاد سهاد | نادية ناجية | ليلى لينا | سارة سجى | رنا رشا | نور نوال | كريم كامل | طارق طالب | يحيى يزيد
Muhammad Mahmud | Mohammed Mahmoud | Hussein Hassan | Hassan Hussein | Yusuf Yunus | Ismail Ibrahim | Omar Ammar
Ali Adel | Abdulrahman Abdulrahim | Khadija Khalida | Aisha Asma | Zainab Zeina | Fatima Fatin | Maryam Maram
Amina Amira | Saleh Salem | Ahmed Hamed | Mustafa Murtada | Uthman Imran | Jamal Jamil | Khalil Khalid | Yaqub Ayyub
Abdelkader Abdelkarim | Ibrahim Ismail | Musa Isa | Akhmed Mahmud | Rasul Rashid | Yahya Yazid | Abdulla Abdulmalik
Hamza Hamid | Mukhammad Makhmud | Magomed Mahmud | Aishat Asiyat
"""


@dataclass(frozen=True)
class Pair:
    sex: str  # "F" or "M"
    parts: tuple[str, str, str, str]  # given, father, grandfather, family as registered ("" when absent)
    kunya: str  # a kunya alias of the record, or ""
    query: str  # the other rendering
    tag: str

    @property
    def script(self) -> str:
        return "ar" if any("\u0600" <= ch <= "\u06ff" for ch in "".join(self.parts)) else "lat"


def parse_pairs(text: str) -> list[Pair]:
    """The pairs of a set written as PAIRS_TEXT is (also used by tests/matching/formal_pairs.py)."""
    out = []
    for line in text.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sex, record, query, tag = (field.strip() for field in line.split("|"))
        record, _plus, kunya = (x.strip() for x in record.partition("+"))
        parts = [p.strip() for p in record.split("/")]
        parts += [""] * (4 - len(parts))
        out.append(Pair(sex, tuple(parts), kunya, query, tag))
    return out


def pairs() -> list[Pair]:
    return parse_pairs(PAIRS_TEXT)


def lookalikes() -> dict[str, str]:
    return parse_lookalikes(LOOKALIKES)


def parse_lookalikes(text: str) -> dict[str, str]:
    """Name → a different name that looks like it (both ways), from a text written as LOOKALIKES is."""
    table: dict[str, str] = {}
    for chunk in text.replace("\n", "|").split("|"):
        words = chunk.split()
        if not words:
            continue
        if len(words) == 2:
            a, b = words
        else:  # "عبد الله عبد الإله": two two-word names
            a, b = " ".join(words[:2]), " ".join(words[2:])
        table.setdefault(a, b)
        table.setdefault(b, a)
    return table
