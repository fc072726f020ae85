"""Known spellings of the same given name across scripts, as data (no code from the project).

Each line is one name: its Arabic spellings, then `|`, then Latin spellings. Two lines are two
different names, even when they look alike (حسن Hasan / حسين Husayn, محمد Muhammad / محمود Mahmud,
سعد Sa'd / سعيد Sa'id, فاطمة Fatima / فاتن Fatin): the matcher treats a pair of names from two
different lines as a conflict, and a pair from one line as the same name.

Sources (written from the published conventions, not from any case data):
- ALA-LC Arabic romanization table (Library of Congress, 2012): the scholarly form without
  diacritics (Muhammad, Husayn, Abd al-Rahman, Ya'qub).
- UNGEGN/BGN-PCGN romanization systems for Arabic (UN Group of Experts on Geographical Names,
  2017 report): the same consonants, "dh", "th", "kh", "gh", "sh", ou/ee not used.
- French usage in the Maghreb and in French civil registers (ou for u/w, ch for sh, dj for j,
  final -e, e for short a/i): Mohamed, Youssef, Abdelkader, Khadidja, Ouarda.
- Egyptian usage (g for ج, e/o for short vowels): Gamal, Hagar, Mohamed.
- Turkish orthography (Diyanet usage of Arabic names: c for ج, ş for ش, e/ü for short vowels,
  -e for ta marbuta) and Central Asian / Russian-register forms (kh, ov suffixes are not names).
- English press usage (Mohammed, Hussein, Yousef, Aisha).
Keep a spelling on one line only; a spelling shared by two names goes on neither ("Salah" is صلاح
in the Levant and صالح in the Maghreb: it is on no line, and the matcher compares its letters).
"""

VARIANTS = """
# --- Men ---------------------------------------------------------------------------------
محمد | muhammad mohammed mohammad mohamed mohamad muhammed mouhamed mouhammad mohamud mohammud muhamad muhamed mehmet mehmed mohd mhd mamadou mamadu mukhammad mukhammed magomed magomet muhamet
محمود | mahmud mahmoud mahmood mahmut mahmod mehmood
أحمد | ahmad ahmed ahmet ahmat akhmad akhmed hamed_no
حامد | hamed hamit
حميد | humayd hmeid humaid hameed
# hamid writes both حامد (Ḥāmid) and حميد (Ḥamīd, as in Abdulhamid): on neither line.
حمد | hamad hammad_no
حمدي | hamdi hamdy
حمدان | hamdan hamdane
حماد | hammad hamad_no
علي | ali aly alee
عالي | aali
حسن | hasan hassan hassen hasen hasun
حسين | husayn hussein husain hussain hussien houssein hossein husein huseyn huseyin hüseyin houcine hocine houssine husseyn khusein
حسان | hassaan hasaan
حسني | husni hosni hosny housni
عمر | umar omar omer oumar omer ömer
عمار | ammar amar_no
عثمان | uthman othman osman usman otman outhman
يوسف | yusuf yousef youssef yousif yusif yousuf yusef yussuf yousof joseph_no youcef yussef jusuf yusup yusuph
يونس | yunus younes younis yunis younous yonis
يحيى | yahya yahia yehia yahiya yahyah
يعقوب | yaqub yaacoub yakub yacoub yaqoob yakup jakub_no
إبراهيم | ibrahim ebrahim brahim ibraheem ibrahima ibragim
إسماعيل | ismail ismael ismaeel esmail smail ismayil
إسحاق | ishaq ishak ishaaq ishak_no
موسى | musa moussa mousa moosa musa_ mussa
عيسى | isa issa eisa aissa
عبد الله | abdallah abdullah abdellah abdulla abdalla abdoulaye abdullahi abdillah abdulah
عبد الرحمن | abdalrahman abdulrahman abdurrahman abderrahmane abderrahman abdelrahman abdul-rahman abdurahman abdourahmane abdrakhman
عبد العزيز | abdalaziz abdulaziz abdelaziz abdul-aziz abdulazeez abdelaaziz
عبد القادر | abdalqadir abdulqadir abdelkader abdulkadir abdelkadir abdulkader abdul-qadir abdelqader
عبد الكريم | abdalkarim abdulkarim abdelkrim abdelkarim abdulkareem
عبد الرحيم | abdalrahim abdulrahim abdelrahim abderrahim abdurrahim
عبد الرزاق | abdalrazzaq abdulrazzaq abderrazak abdelrazak abdulrazak
عبد الحميد | abdalhamid abdulhamid abdelhamid abdulhameed
عبد المجيد | abdalmajid abdulmajid abdelmajid abdelmadjid abdulmecit
عبد اللطيف | abdallatif abdullatif abdellatif abdelatif abdulatif
عبد الحليم | abdalhalim abdulhalim abdelhalim
عبد الغني | abdalghani abdulghani abdelghani
عبد الناصر | abdalnasir abdulnasser abdelnasser abdennacer abdennasser
عبد السلام | abdalsalam abdulsalam abdeslam abdessalam abdelsalam
عبد الوهاب | abdalwahhab abdulwahab abdelwahab abdulwahhab
عبد الباسط | abdalbasit abdulbasit abdelbasset abdelbasset
عبد الجبار | abdaljabbar abduljabbar abdeljabbar
عبد الحكيم | abdalhakim abdulhakim abdelhakim
عبد المالك | abdalmalik abdulmalik abdelmalek abdelmalik
عبد الهادي | abdalhadi abdulhadi abdelhadi
عبد الإله | abdalilah abdulilah abdelilah
مصطفى | mustafa moustafa mostafa mustapha moustapha mustafah mustafo
خالد | khalid khaled halit khalit khaleed chaled
خليل | khalil khaleel halil
خليفة | khalifa khalifah halife
سعد | sad saad saad_ sa'd saadi_no
سعيد | said saeed saïd saiid sa'id sayeed saied
سعود | saud saoud
سعدون | sadun saadoun
سيد | sayyid sayed sayyed seyyid
سالم | salim_no salem saalim
سليم | salim selim saleem slim
سلمان | salman selman
سليمان | sulayman suleiman sulaiman soliman sulejman süleyman suleyman slimane souleymane sulaymon
سامي | sami samy sammy
سامر | samir_no samer
سمير | samir sameer smir
صالح | salih saleh salehh
صلاح | salaah_no
جمال | jamal gamal djamal djamel cemal jamel
جميل | jamil gamil djamil cemil jameel
جلال | jalal galal djalal celal
جعفر | jafar jaafar djafar cafer dschafar
كريم | karim kareem kerim krim
كمال | kamal kemal
عادل | adil adel
عدنان | adnan
عزيز | aziz azeez
عماد | imad emad
عيد | eid id_no
فيصل | faysal faisal faycal feisal faical
فارس | faris fares
فؤاد | fuad fouad fuat
فهد | fahd fahad
فراس | firas feras
فتحي | fathi fethi fatih_no
فاتح | fatih fateh
زكريا | zakariya zakaria zakariyya zakaria zekeriya zakariyah
زياد | ziyad ziad
زيد | zayd zaid zeid
زين | zayn zain zein
ماجد | maged mecit majed
# majid and French madjid write both ماجد (Mājid) and مجيد (Majīd, Abdelmadjid): on neither line.
مجيد | majeed
مالك | malik malek
مأمون | mamun maamoun mamoon
مازن | mazin mazen
مروان | marwan merwan
منصور | mansur mansour mansoor
ناصر | nasir nasser nacer naser
نصر | nasr
نبيل | nabil nabeel
نادر | nadir nader
نزار | nizar nezar
نور الدين | nuraldin nouraddine noureddine nurettin nuruddin noureldin
صلاح الدين | salahaldin salaheddine salahuddin selahattin salahudin salaheldin
نصر الدين | nasraldin nasreddine nasruddin
بدر | badr bader
بشير | bashir bachir beshir besir
بلال | bilal belal
توفيق | tawfiq tawfik toufik tevfik
ثامر | thamir thamer tamer_no
طارق | tariq tarek tarik tareq
طاهر | tahir taher
طه | taha
تامر | tamir_no tamer
جابر | jabir jaber djaber
جواد | jawad javad cevat
حاتم | hatim hatem
حازم | hazim hazem
حمزة | hamza hamzah hamze
حبيب | habib habeeb
حكيم | hakim hakeem
حيدر | haydar haidar heydar
رامي | rami ramy
رائد | raid_no raed ra'id
رشيد | rashid rachid reshit rashed_no
راشد | rashid_no rashed
رضا | rida reda riza ridha
رمضان | ramadan ramdane ramazan
رياض | riyad riad riyadh
شريف | sharif cherif sherif serif
شاكر | shakir chaker shaker
صادق | sadiq sadek sadik
صابر | sabir saber
صبري | sabri sabry
ضياء | diya diaa dia ziya
عباس | abbas
عبيدة | ubayda obaida oubaida
عصام | isam issam essam
# ala writes both علاء (ʿAlāʾ) and آلاء (Ālāʾ) once the marks are stripped: on neither line.
علاء | alaa
عمران | imran omran emran
عوض | awad
غسان | ghassan
قاسم | qasim kassem kasim qassim gassim
كامل | kamil
لؤي | luay louay
لطفي | lutfi lotfi lutfi
مؤمن | mumin moumen momin mu'min
محسن | muhsin mohsen mohsin
مختار | mukhtar mokhtar muhtar
مراد | murad mourad murat
مسعود | masud massoud masoud mesut
معاذ | muadh moaz mouad muaz
منير | munir mounir
مهدي | mahdi mehdi
نعيم | naim naeem
هاني | hani hany
هشام | hisham hicham hesham
وائل | wail wael
وليد | walid waleed oualid velid
ياسر | yasir yasser yaser
ياسين | yasin yassin yassine yaseen yacine
يزيد | yazid yazeed
أسامة | usama osama oussama usame
أنس | anas
أيمن | ayman aymen eymen
أيوب | ayyub ayoub ayub eyup
أمين | amin amine emin ameen
أكرم | akram
إلياس | ilyas elias ilias
آدم | adam
إدريس | idris idriss
بكر | bakr bakir bekir
أبو بكر | abubakr abubakar aboubakr aboubacar ebubekir
جاسم | jasim jassim jasem cassim_no
صهيب | suhayb suhaib souhaib sohaib suheyb
سفيان | sufyan soufiane sofiane sufian süfyan
براء | bara baraa al-baraa
تميم | tamim tameem temim
أنور | anwar anouar enver
باسم | basim basem
بسام | bassam
رامز | ramiz ramez
زكي | zaki zaky
سامح | samih sameh
شادي | shadi chadi
عامر | amir_no amer aamer
أمير | amir ameer emir
عمرو | amr amru
غازي | ghazi gazi
فادي | fadi fady
فريد | farid fareed ferid
قصي | qusay qusai kusay
ماهر | mahir maher
مهند | muhannad mohannad
هيثم | haytham haitham heitham
وسام | wisam wissam
نبيه | nabih
بلقاسم | belkacem belgacem bilqasim
داود | dawud dawood daoud davud davut dawoud
سلطان | sultan
مبارك | mubarak moubarak
نايف | nayef naif nayif
بندر | bandar
تركي | turki
ظافر | zafir dhafer dafer
حمود | hamud hamoud hammoud
عبد المحسن | abdalmuhsin abdulmohsen abdelmohsen
عبد الرب | abdalrabb abdulrab
# --- Women -------------------------------------------------------------------------------
فاطمة | fatima fatimah fatma fatema fatmah fatime fadma fatoumata fotima
فاتن | fatin faten
عائشة | aisha aicha aysha ayesha aishah ayse aïcha aiša
خديجة | khadija khadidja khadijah hatice khadeeja hadiza kadidia
مريم | maryam mariam meryem mariem maryem miriam
زينب | zaynab zainab zeineb zeynep zineb zaineb
آمنة | amna amena
أمينة | aminata_no
# amina, aminah and Turkish emine write both آمنة (Āmina) and أمينة (Amīna): on neither line.
سارة | sara sarah
نور | nur nour noor
هاجر | hajar hagar hadjer hacer
أسماء | asma asmaa esma
سمية | sumayya sumaya soumaya somaya sumeyye
رقية | ruqayya ruqaya roqaya rukiye rokia
حفصة | hafsa hafsah
صفية | safiyya safiya safia safiye
هدى | huda houda hoda hüda
ليلى | layla leila laila leyla
سلمى | salma selma
رحمة | rahma rahmah
إيمان | iman imane eman
منى | muna mona mouna
أمل | amal
جميلة | jamila djamila jameela gamila cemile
حليمة | halima halimah
نادية | nadia nadiya nadya
سعاد | suad souad soad
وفاء | wafa wafaa
دعاء | dua duaa doaa
بشرى | bushra bouchra büşra busra
ياسمين | yasmin yasmine yasemin
حنان | hanan
رانيا | rania raniya
ريم | reem rim
سهام | siham saham_no
سوسن | sawsan sousan
شيماء | shaima chaima shaimaa
صباح | sabah
عبلة | abla
غادة | ghada
لبنى | lubna loubna
ماجدة | majida magda madjida
نجلاء | najla najlaa nadjla
نوال | nawal
هالة | hala
وردة | warda ouarda
يسرى | yusra yousra
رشا | rasha
آية | aya ayah
إسراء | isra israa esraa
ميمونة | maymuna meimouna
سكينة | sakina sakinah
هبة | hiba heba
تسنيم | tasnim tasneem
شهد | shahad
رغد | raghad
جنى | jana
ملك | malak melek
عبير | abir abeer
سندس | sundus soundous
زهراء | zahra zahraa zehra
نسرين | nisrin nisreen nesrine
أمامة | umama oumama
أسيل | asil aseel
بتول | batul batoul
رنا | rana
روان | rawan
سلوى | salwa
عفاف | afaf
لمى | lama
مها | maha
ندى | nada
نهى | nuha noha
هند | hind
جنات | jannat
آلاء | alaa_no ala'a
إلهام | ilham elham

""".strip()


def parse(text: str = VARIANTS) -> list[tuple[list[str], list[str]]]:
    """Lines of (Arabic spellings, Latin spellings). Latin entries ending in `_no` or `_` are notes, not spellings."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "|" not in line:
            continue
        arabic, latin = line.split("|", 1)
        arabic_forms = [a.strip() for a in arabic.split("،") if a.strip() and not a.strip().endswith("_")]
        latin_forms = [w for w in latin.split() if not w.endswith("_no") and not w.endswith("_")]
        if arabic_forms or latin_forms:
            rows.append((arabic_forms, latin_forms))
    return rows
