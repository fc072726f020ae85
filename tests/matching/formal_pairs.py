"""Arabic/Latin name pairs in formal and official romanizations: a second red-team set for `rank_candidates`.

How it was made: written by hand by a helper session (translit3), from its own knowledge of the
published conventions named below — NOT copied from a corpus, and not from the repository's name
tables (`name_variants`, `lexicon`), the demo names, `bench/matching.py` or the first red-team set
(tests/matching/realworld_pairs.py, which covers national spellings). The people are synthetic:
real name PARTS (given names, fathers' names, family names and nisbas in common use) combined at
random; no line is a real person's full name. The author may be wrong in places.

What each tag stands for (the convention the query is written in):

- `din`: DIN 31635 (Deutsches Institut für Normung, 2011), the German scholarly transliteration:
  ʿ (U+02BF) for ʿayn and ʾ (U+02BE) for hamza, macrons ā ī ū, dots under ḥ ṣ ḍ ṭ ẓ, ṯ ḏ ḫ ǧ š ġ,
  the article assimilated before sun letters (ad-Dīn, aš-Šaiḫ, ar-Raḥmān).
- `ala-lc`: ALA-LC Arabic romanization (Library of Congress, 2012): ʻ (U+02BB) for ʿayn and ʼ
  (U+02BC) for hamza, th kh dh sh gh digraphs, á for alif maqsura (Muṣṭafá), -ah for ta marbuta in
  pause (Fāṭimah), ī before a doubled y (Zakarīyā), the article never assimilated (al-Dīn).
- `iso233`: ISO 233-2 (1993), simplified ISO transliteration: as DIN, with ẗ for ta marbuta and ỳ
  for alif maqsura, H̱/ẖ for ḫāʾ.
- `ungegn`: the BGN/PCGN 1956 system as adopted by UNGEGN for Arab countries' geographic names (and
  GEOnet): cedillas ḩ ş ţ ḑ z̧ for the emphatics, ‘ (U+2018) for ʿayn and ’ (U+2019) for hamza, the
  article written assimilated and unhyphenated (ar Raḩmān, aş Şabbāgh).
- `ascii`: the same romanizations with the marks stripped, as they are typed ('Aisha, A'isha,
  Ja'far, `Abd, ʕ/ʔ of IPA, Abd al-Rahman).
- `press`: English-, French- and Egyptian-language press and Wikipedia article titles for
  compound and theophoric names (Abdel Nasser, Abd an-Nasir, Abdennasser; Nour el-Din, Nureddin,
  Noureddine; Ezz el-Din, Izz ad-Din; Seif el-Islam; Salah ad-Din, Salaheddine, Selahattin).
- `mrz`, `caps`: passports (ICAO Doc 9303 part 3): the machine-readable zone's name field, primary
  identifier (family name) first, `<<` between it and the given names, `<` between words
  (AL<ALI<<FATIMA<HUSSEIN), and the visual zone in capitals, parts joined or split (ABDULRAHMAN,
  ABDUL RAHMAN, ALSHAMMARI).
- `nisba`: family names made of the article and a nisba, written every way (al-Masri, Elmasry, El
  Masri, Almasri, Masri ↔ المصري).
- `filiation`: ibn/bin/bint between names, the scholarly abbreviations b. and bt. (Encyclopaedia of
  Islam), and the Maghreb and Mauritanian forms (ben, bent, ould, mint; ولد in Arabic).
- `lev`, `iq`, `gulf`, `eg`, `tr`: Levantine, Iraqi, Gulf, Egyptian and Turkish press and register
  spellings (Qassem/Kassem/Kasim/Gassim, Dhiya/Thiya/Zia/Diaa, Jaafar/Ja'far/Cafer, Hamoud, Oday/Uday,
  Kadhim/Kazem/Kathim, Mutlag with g for ق, Gomaa with g for ج, Shazly with z for ذ).

Each line: sex | the record (given/father/grandfather/family, as registered; an empty part is left
out) [+ kunya alias] | the query (the other rendering) | a tag.
"""

from tests.matching.realworld_pairs import LOOKALIKES as REALWORLD_LOOKALIKES
from tests.matching.realworld_pairs import Pair, parse_lookalikes, parse_pairs

PAIRS_TEXT = """
# --- DIN 31635: ʿ ʾ, macrons, dots under, ṯ ḏ ḫ ǧ š ġ, assimilated article ---------------------
M | محمد/عبد الرحمن//الصالح | Muḥammad ʿAbd ar-Raḥmān aṣ-Ṣāliḥ | din
F | عائشة/صالح//الحسيني | ʿĀʾiša Ṣāliḥ al-Ḥusainī | din
M | ضياء الدين/ظاهر//العبيدي | Ḍiyāʾ ad-Dīn Ẓāhir al-ʿUbaidī | din
F | فاطمة/عبد الله//الزهراني | Fāṭima ʿAbdallāh az-Zahrānī | din
M | جعفر/حسين//الموسوي | Ǧaʿfar Ḥusain al-Mūsawī | din
F | خديجة/شاكر//الدليمي | Ḫadīǧa Šākir ad-Dulaimī | din
M | إبراهيم/يوسف//الشيخ | Ibrāhīm Yūsuf aš-Šaiḫ | din
F | زينب/غازي//الطائي | Zainab Ġāzī aṭ-Ṭāʾī | din
M | عبد العزيز/سعيد//الخزرجي | ʿAbd al-ʿAzīz Saʿīd al-Ḫazraǧī | din
F | رقية/مصطفى//الحلبي | Ruqaiya Muṣṭafā al-Ḥalabī | din
M | أسامة/ذياب//الجبوري | Usāma Ḏiyāb al-Ǧubūrī | din
F | سعاد/مؤيد//الراوي | Suʿād Muʾaiyad ar-Rāwī | din
M | عثمان/عبد الإله//القرشي | ʿUṯmān ʿAbd al-Ilāh al-Qurašī | din
M | نور الدين/إبراهيم//الزنكي | Nūr ad-Dīn Ibrāhīm az-Zankī | din
M | صلاح الدين/داود//الحموي | Ṣalāḥ ad-Dīn Dāwūd al-Ḥamawī | din
M | عز الدين/خليل//الحلبي | ʿIzz ad-Dīn Ḫalīl al-Ḥalabī | din
M | شمس الدين/عمر//النابلسي | Šams ad-Dīn ʿUmar an-Nābulusī | din
F | أسماء/طارق//الشمري | Asmāʾ Ṭāriq aš-Šammarī | din
M | طه/عبد الرزاق//الدوري | Ṭāhā ʿAbd ar-Razzāq ad-Dūrī | din
F | حياة/ثامر//الكبيسي | Ḥayāt Ṯāmir al-Kubaisī | din
# --- ALA-LC: ʻ ʼ, -ah, á for alif maqsura, īy, article unassimilated ------------------------------
F | فاطمة/حسن//العلي | Fāṭimah Ḥasan al-ʻAlī | ala-lc
M | عبد الرحمن/سعد//العمري | ʻAbd al-Raḥmān Saʻd al-ʻUmarī | ala-lc
F | عائشة/إسماعيل//الخطيب | ʻĀʼishah Ismāʻīl al-Khaṭīb | ala-lc
M | ضياء/عبد الحميد//الشمري | Ḍiyāʼ ʻAbd al-Ḥamīd al-Shammarī | ala-lc
M | يحيى/زكريا//الأنصاري | Yaḥyá Zakarīyā al-Anṣārī | ala-lc
F | مريم/عبد الكريم//البغدادي | Maryam ʻAbd al-Karīm al-Baghdādī | ala-lc
M | مصطفى/أحمد//المصري | Muṣṭafá Aḥmad al-Miṣrī | ala-lc
M | عيسى/موسى//الحسني | ʻĪsá Mūsá al-Ḥasanī | ala-lc
F | هدى/يعقوب//الكعبي | Hudá Yaʻqūb al-Kaʻbī | ala-lc
M | نور الدين/خالد//الحمداني | Nūr al-Dīn Khālid al-Ḥamdānī | ala-lc
F | صفية/زكي//الرفاعي | Ṣafīyah Zakī al-Rifāʻī | ala-lc
M | علي/عبد الله//الحسيني | ʻAlī ʻAbd Allāh al-Ḥusaynī | ala-lc
F | رقية/سامي//النعيمي | Ruqayyah Sāmī al-Nuʻaymī | ala-lc
M | سعيد/عبد الغني//الجزائري | Saʻīd ʻAbd al-Ghanī al-Jazāʼirī | ala-lc
F | لمياء/ماجد//العاني | Lamyāʼ Mājid al-ʻĀnī | ala-lc
M | عمر/سعيد//الحلبي + أبو خالد | Abū Khālid ʻUmar Saʻīd | ala-lc-kunya
F | سعاد/محمود//العلي + أم أحمد | Umm Aḥmad Suʻād Maḥmūd | ala-lc-kunya
M | يوسف/جعفر//الشامي + أبو عبد الله | Abū ʻAbd Allāh Yūsuf Jaʻfar | ala-lc-kunya
# --- ISO 233-2: ẗ for ta marbuta, ỳ for alif maqsura ----------------------------------------------
F | فاطمة/علي//الحداد | Fāṭimaẗ ʿAlī al-Ḥaddād | iso233
F | سلمى/محمود//النجار | Salmỳ Maḥmūd al-Naǧǧār | iso233
M | حمزة/مصطفى//العطار | Ḥamzaẗ Muṣṭafỳ al-ʿAṭṭār | iso233
F | خديجة/عيسى//الأيوبي | H̱adīǧaẗ ʿĪsỳ al-Ayyūbī | iso233
M | أسامة/موسى//الخطيب | ʾUsāmaẗ Mūsỳ al-H̱aṭīb | iso233
# --- BGN/PCGN 1956 and UNGEGN: cedillas, ‘ ’, article assimilated and unhyphenated ---------------
M | حسين/صالح//الطائي | Ḩusayn Şāliḩ aţ Ţā’ī | ungegn
F | صفية/عبد الرحمن//الحمصي | Şafīyah ‘Abd ar Raḩmān al Ḩimşī | ungegn
M | ضاحي/طلال//الزعبي | Ḑāḩī Ţalāl az Zu‘bī | ungegn
F | حفصة/ظافر//الصباغ | Ḩafşah Z̧āfir aş Şabbāgh | ungegn
M | عبد الحفيظ/صبحي//الأحمد | ‘Abd al Ḩafīz̧ Şubḩī al Aḩmad | ungegn
M | صالح/حسن//الصافي | Şāliḩ Ḩasan aş Şāfī | ungegn
F | ريم/صادق//الحسن | Rīm Şādiq al Ḩasan | ungegn
M | طارق/حامد//المحمد | Ţāriq Ḩāmid al Muḩammad | ungegn
# --- The same with the marks stripped, as typed ------------------------------------------------
M | عبد الرحمن/عبد الله//الصالح | Abd al-Rahman Abd Allah al-Salih | ascii
F | عائشة/عمر//الحسيني | 'Aisha 'Umar al-Husayni | ascii
F | عائشة/جعفر//الشمري | A'isha Ja'far al-Shammari | ascii
M | سعيد/عبد الرؤوف//الدوري | Sa`id `Abd al-Ra'uf al-Duri | ascii
M | جعفر/عبد الله//القرشي | Jaʕfar ʕabd allah al-qurashi | ascii
F | فاطمة/رائد//العزاوي | Fatima Raʔid al-ʕazzawi | ascii
M | إسماعيل/سعد//الأعظمي | Isma‘il Sa‘d al-A‘zami | ascii
F | دعاء/مأمون//الجنابي | Du‘a’ Ma’mun al-Janabi | ascii
M | مؤمن/ضياء//اللامي | Mu'min Diya' al-Lami | ascii
F | آلاء/عبد الجبار//السامرائي | 'Ala' 'Abd al-Jabbar al-Samarra'i | ascii
M | يعقوب/شعيب//الكبيسي | Ya'qub Shu'ayb al-Kubaysi | ascii
F | عائشة/أحمد//الحربي | Aisha Ahmad al-Harbi | ascii
M | عبد الرحمن/صالح//الزهراني | Abdul-Rahman Salih Al-Zahrani | ascii
M | عبد الرحمن/خالد//البلوشي | Abd-ur-Rahman Khalid Baloushi | ascii
# --- Press and Wikipedia: compound and theophoric names ----------------------------------------
M | عبد الناصر/محمد//حسين | Abdel Nasser Mohamed Hussein | press
M | عبد الناصر/علي//الخطيب | Abdul Nasser Ali al-Khatib | press
M | عبد الناصر/أحمد//الشامي | Abd an-Nasir Ahmad ash-Shami | press
M | عبد الناصر/سالم//المرزوقي | Abdennasser Salem Marzouki | press
M | عبد الناصر/حسن//العبيدي | Abdelnasser Hassan Obeidi | press
M | نور الدين/عمر//الزنكي | Nour el-Din Omar al-Zanki | press
M | نور الدين/يوسف//الأتاسي | Nureddin Yusuf Atassi | press
M | نور الدين/محمد//بن علي | Noureddine Mohamed Ben Ali | press
M | نور الدين/خالد//الحلبي | Nur al-Din Khalid al-Halabi | press
M | نور الدين/صالح//القاسم | Nour Eldin Saleh Al Qassem | press
M | سيف الإسلام/أحمد//الطرابلسي | Saif al-Islam Ahmed al-Trabelsi | press
M | سيف الإسلام/حسن//الشريف | Seif el-Islam Hassan El Sherif | press
M | سيف الإسلام/علي//الزاوي | Saif ul Islam Ali Zawi | press
M | عبد الله/إبراهيم//العمر | Abdallah Ibrahim Al-Omar | press
M | عبد الله/حسن//الجزائري | Abdellah Hassan Djazairi | press
M | عبد الله/يوسف//الكردي | Abdulla Yusuf Kurdi | press
M | عز الدين/محمود//الحسن | Ezz el-Din Mahmoud El Hassan | press
M | عز الدين/سمير//الحلبي | Izz ad-Din Samir al-Halabi | press
M | عز الدين/عادل//بن سالم | Ezzedine Adel Ben Salem | press
M | عز الدين/رامي//شقير | Ezzeddine Rami Choucair | press
M | عز الدين/طه//الكردي | Izzettin Taha Kurdi | press
M | صلاح الدين/عمر//البيطار | Salah ad-Din Omar al-Bitar | press
M | صلاح الدين/محمد//العياري | Salaheddine Mohamed Ayari | press
M | صلاح الدين/أحمد//الكردي | Selahattin Ahmet Kürdi | press
M | صلاح الدين/حسين//الزبيدي | Salah El Din Hussein El Zobeidy | press
M | صلاح الدين/يوسف//الربيعي | Salahudeen Yusuf Al-Rubaie | press
M | شمس الدين/علي//الطحان | Chamseddine Ali Tahhan | press
M | علاء الدين/محمد//الحسيني | Alaa el-Din Mohamed El Husseini | press
M | علاء الدين/جمال//الخياط | Alaeddine Jamal Khayat | press
M | بدر الدين/عثمان//الحسني | Badreddine Othmane Hassani | press
M | خير الدين/مصطفى//التونسي | Kheireddine Mustapha Tounsi | press
M | خير الدين/إبراهيم//الجزائري | Khairuddin Ibrahim Jazairi | press
M | كمال الدين/حسن//الدمشقي | Kamaleddine Hassan Dimachki | press
M | جمال الدين/عمر//الحسيني | Djamaleddine Omar Husseini | press
M | تقي الدين/سليم//الحموي | Takieddine Salim Hamwi | press
M | سيف الدين/عادل//الجبوري | Saif al-Din Adel al-Jubouri | press
M | سيف الدين/عبد الكريم//الخطيب | Seifeddine Abdelkarim Khatib | press
M | ناصر الدين/فؤاد//السعدي | Nasreddine Fouad Saadi | press
M | عبد الرزاق/محمد//الراشد | Abdurrazzaq Muhammad ar-Rashid | press
M | عبد الإله/يوسف//الشمري | Abdul Ilah Yousef Al Shammari | press
M | عبد المطلب/حسن//الهاشمي | Abd al-Muttalib Hasan al-Hashimi | press
M | عبد الله/عبد الرحمن//الدوسري | Abdallah Abdelrahmane Dossari | press
M | عبد الرحيم/عبد الكريم//الجزائري | Abdirahim Abdikarim Jazairi | press
M | أبو بكر/عمر//الحسني | Aboubakr Omar El Hassani | press
M | أبو بكر/يوسف//السوداني | Abubakar Yousif Elsudani | press
M | أبو زيد/محمد//الهلالي | Abouzeid Mohamed El Hilali | press
# --- Passports: ICAO 9303 MRZ name field and the visual zone in capitals ---------------------------
F | فاطمة/حسين//العلي | AL<ALI<<FATIMA<HUSSEIN | mrz
M | محمد/عبد الله//الشمري | ALSHAMMARI<<MOHAMMED<ABDULLAH | mrz
F | زينب/علي/حسن/الموسوي | ALMUSAWI<<ZAINAB<ALI<HASAN | mrz
M | أحمد/خالد//العبيدي | AL<OBAIDI<<AHMED<KHALED | mrz
F | مريم/عبد الرحمن//الكردي | ALKURDI<<MARYAM<ABDULRAHMAN | mrz
M | يوسف/إبراهيم//الحسيني | EL<HUSSEINI<<YOUSSEF<IBRAHIM | mrz
F | نور/محمود//الدباغ | AL<DABBAGH<<NOUR<MAHMOUD<<<<<<<< | mrz
M | عمر/محمد//الحلبي | ALHALABI OMAR MOHAMMED | caps
F | خديجة/أحمد//المصري | KHADIJA AHMED ELMASRY | caps
M | عبد الرحمن/خالد//الزعبي | ABDULRAHMAN KHALED ALZOUBI | caps
F | نور/عبد الرحمن//الحسن | NOUR ABDUL RAHMAN AL HASAN | caps
M | عبد الرحمن/عبد الله//اليمني | ABDULRAHMAN ABDULLAH ALYAMANI | caps
M | عبد الرحمن/علي//العلي | ABDUL RAHMAN ALI AL ALI | caps
M | عبد العزيز/عبد الله//العتيبي | ABDULAZIZ ABDULLAH ALOTAIBI | caps
# --- Nisba family names, every way the article is written -----------------------------------
M | أحمد/سعيد//المصري | Ahmed Said Elmasry | nisba
F | هدى/محمد//المصري | Houda Mohamed El Masri | nisba
M | علي/حسن//المصري | Ali Hassan Almasri | nisba
M | يوسف/خالد//المصري | Youssef Khaled Masri | nisba
F | سارة/عمر//المصري | Sara Omar El-Masry | nisba
M | خالد/إبراهيم//البغدادي | Khaled Ibrahim Elbaghdady | nisba
F | رنا/حسين//الحلبي | Rana Hussein Halaby | nisba
M | محمد/علي//الحمصي | Mohammad Ali Homsi | nisba
F | ليلى/سامي//الشامي | Layla Sami Chami | nisba
M | عمر/فاروق//الدمشقي | Omar Farouk Dimashki | nisba
M | زياد/عادل//العراقي | Ziad Adel El-Iraqi | nisba
M | حسن/محمد//التونسي | Hassan Mohamed Ettounsi | nisba
M | عبد الله/أحمد//السوداني | Abdalla Ahmed Elsudani | nisba
F | أمل/حسن//الليبي | Amal Hassan Ellibi | nisba
F | منى/خليل//المغربي | Mouna Khalil El Maghribi | nisba
M | طارق/فهد//اليمني | Tareq Fahad Alyemeni | nisba
# --- Filiation: ibn, bin, bint, ben, bent, ould, mint, ولد ------------------------------------
M | محمد/علي//الحسيني | Mohammed ibn Ali al-Husseini | filiation
M | أحمد/عبد الله/محمد | Ahmad bin Abdullah bin Muhammad | filiation
F | فاطمة/حسن/عمر | Fatima bint Hassan bin Omar | filiation
M | محمد/أحمد | Mohamed Ould Ahmed | filiation
M | سيدي/محمد | Sidi Ould Mohamed | filiation
F | مريم/سالم | Mariem Mint Salem | filiation
F | فاطمة/علي | Fatma Bent Ali | filiation
M | Mohamed/Mahmoud | محمد ولد محمود | filiation
M | Ahmed/Salem | أحمد ولد سالم | filiation
F | عائشة/عمر/سعيد | Aisha binti Omar bin Said | filiation
M | حسن/علي/إبراهيم | Ḥasan b. ʿAlī b. Ibrāhīm | filiation
F | زينب/يوسف//الحلبي | Zaynab bt. Yūsuf al-Ḥalabī | filiation
# --- Levantine, Iraqi, Gulf, Egyptian and Turkish spellings ------------------------------------
M | قاسم/محمد//العبيدي | Qassem Mohammed Al-Obaidi | lev
M | قاسم/حسن//الربيعي | Kassem Hassan Rubaie | lev
M | قاسم/علي//الجنابي | Kasim Ali Al-Janabi | iq
M | قاسم/عبد الله//الدوسري | Gassim Abdullah Al-Dosari | gulf
M | ضياء/حسين//الكاظمي | Dhiya Hussein Al-Kadhimi | iq
M | ضياء/عبد الكريم//السامرائي | Thiya Abdulkarim Samarrai | iq
M | ضياء/جاسم//الربيعي | Zia Jassim Al-Rubaiy | iq
M | ضياء/أحمد//الحسن | Diaa Ahmed El Hassan | eg
M | ضياء/محمود//الكردي | Ziya Mahmut Kurdi | tr
M | جعفر/صادق//الحسيني | Jaafar Sadiq Al-Husseini | iq
M | جعفر/عباس//الموسوي | Ja'far Abbas al-Musawi | iq
M | جعفر/حسن//الطائي | Jafar Hasan Al Taie | iq
M | جعفر/علي//التركماني | Cafer Ali Turkmani | tr
M | حمود/سالم//الحارثي | Hamoud Salem Al-Harthi | gulf
M | حمود/ناصر//العتيبي | Hammoud Nasser Al Otaibi | gulf
M | حمود/علي//المطيري | Hamud Ali al-Mutayri | gulf
M | عدي/صباح//التكريتي | Oday Sabah Al-Tikriti | iq
M | عدي/كريم//الجبوري | Uday Karim Al-Jubouri | iq
M | عدي/كمال//الدليمي | Odai Kamal Al-Dulaimi | iq
M | أحمد/عمر//الشيشاني | Akhmed Umar Shishani | lev
M | أحمد/يوسف//الحلبي | Ahmet Yusuf Halebi | tr
M | قصي/عماد//الحمداني | Qusay Imad Al-Hamdani | iq
M | قصي/فراس//العزاوي | Kusai Firas Azzawi | iq
M | ثائر/مهدي//الخفاجي | Thaer Mahdi Al-Khafaji | iq
M | ثائر/عباس//الساعدي | Tha'ir Abbas al-Saadi | iq
M | مثنى/صالح//العاني | Mothana Saleh Al-Ani | iq
M | زهير/منير//السقا | Zuhair Mounir Al-Sakka | lev
M | زهير/فؤاد//الحسيني | Zouheir Fouad Husseini | lev
M | رعد/جبار//الكناني | Raad Jabbar Al-Kinani | iq
M | رعد/ستار//الموسوي | Ra'ad Sattar Al-Mousawi | iq
M | كاظم/جواد//الخفاجي | Kadhim Jawad Al-Khafaji | iq
M | كاظم/علي//الساعدي | Kazem Ali Saadi | iq
M | كاظم/حسين//الكعبي | Kathim Hussein Al-Kaabi | iq
M | ناظم/عبد الله//الربيعي | Nadhim Abdullah Al-Rubaie | iq
M | ناظم/حسن//الطائي | Nazim Hassan Taie | iq
M | حافظ/صالح//العبيدي | Hafidh Saleh Al-Obaidi | iq
M | محفوظ/علي//الحضرمي | Mahfoudh Ali Al-Hadhrami | gulf
M | مطلق/فهد//العنزي | Mutlag Fahad Al-Enezi | gulf
M | صقر/راشد//النعيمي | Sager Rashed Al Nuaimi | gulf
M | غانم/سعيد//المري | Ghanem Saeed Al-Marri | gulf
M | مشعل/بندر//السبيعي | Mesh'al Bandar Al-Subaie | gulf
M | فهد/عبيد//الشمري | Fahd Obaid Al-Shammari | gulf
M | عبيد/جمعة//الكتبي | Ubaid Juma Al Ketbi | gulf
M | جمعة/رجب//الشربيني | Gomaa Ragab El-Sherbini | eg
M | نجيب/جمال//الغندور | Naguib Gamal El Ghandour | eg
M | جهاد/سيد//الشافعي | Gehad Sayed El Shafei | eg
M | فوزي/حسني//الشاذلي | Fawzy Hosny El-Shazly | eg
M | حمدي/رضا//الدسوقي | Hamdy Reda El Desouky | eg
F | عائشة/حمدي//الجزار | Aisha Hamdy El Gazzar | eg
F | عائشة/أحمد//الكردي | Ayşe Ahmet El-Kurdi | tr
F | زينب/جعفر//الحكيم | Zeynep Cafer El-Hakim | tr
F | ضحى/ثامر//الدليمي | Dhuha Thamer Al-Dulaimi | iq
F | ضحى/قاسم//الجبوري | Duha Kassem Jubouri | iq
F | غدير/ظافر//العنزي | Ghadeer Dhafer Al-Anazi | gulf
F | رغد/عدي//الحمداني | Raghad Oday Al-Hamdani | iq
F | بتول/حمود//الشمري | Batool Hamoud Alshammari | gulf
F | نور الهدى/جعفر//الكعبي | Nour Al Huda Jaafar Al Kaabi | iq
F | شيماء/قاسم//الطائي | Shaimaa Qasim al-Taie | iq
F | آيات/ثائر//الخزعلي | Ayat Thaer Al-Khazali | iq
# --- Latin records against scholarly and press renderings --------------------------------------
M | Abdel Nasser/Kamal//Saber | ʿAbd al-Nāṣir Kamāl Ṣābir | latin
M | Noureddine/Ahmed//Belkacem | Nur al-Din Ahmad Bilqasim | latin
M | Salaheddine/Omar//Alaoui | Salah al-Din Umar al-Alawi | latin
F | Aicha/Mohamed//Benali | ʿĀʾisha Muḥammad Bin ʿAlī | latin
M | Seif El Islam/Ahmed//El Sayed | Sayf al-Islam Ahmad al-Sayyid | latin
M | Ezzeddine/Khalil//Haddad | Izz al-Din Khalil al-Haddad | latin
M | Qassem/Ali//Hamdan | Kassem Ali Hamdane | latin
M | Jaafar/Hussein//Hakim | Ja'far Husayn al-Hakim | latin
M | Oday/Kamal//Tikriti | Uday Kamal al-Tikriti | latin
M | Hamoud/Saleh//Al-Harbi | HAMMOUD SALEH ALHARBI | latin
F | Khadija/Houssein//Alali | AL<ALI<<KHADIJA<HUSSEIN | latin
M | Dhiaa/Kadhim//Al-Rubaie | Ḍiyāʾ Kāẓim al-Rubayʿī | latin
"""

# Different names that look alike, for this set's confusers (with the first set's).
LOOKALIKES = (
    REALWORLD_LOOKALIKES
    + """
حمود محمود | عدي علي | ثائر ثامر | زهير زاهر | رعد سعد | قصي قيس | كاظم ناظم | ضياء ضحى | غانم غنام
عز الدين نور الدين | صلاح الدين علاء الدين | عبد الناصر عبد الباسط | سيف الإسلام سيف الدين | جعفر جابر
Qassem Jassem | Oday Ali | Hamoud Mahmoud | Noureddine Nasreddine | Jaafar Jabbar | Salaheddine Alaeddine
Mohamed Mahmoud | Ahmed Hamed | Fatma Fatin
"""
)


def pairs() -> list[Pair]:
    return parse_pairs(PAIRS_TEXT)


def lookalikes() -> dict[str, str]:
    return parse_lookalikes(LOOKALIKES)
