<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fa_IR">
<context>
    <name>AppController</name>
    <message>
        <location filename="../../app/ui/app.py" line="130"/>
        <source>Sayyar cannot start</source>
        <translation>سیار باز نمی‌شود</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="131"/>
        <source>A part of Sayyar is missing or broken (%1), so it stops before any record is typed. Install Sayyar again; the records on this laptop are unchanged.</source>
        <translation>بخشی از سیار نیست یا خراب است (%1)، پس پیش از ثبت هر پرونده‌ای بسته می‌شود. سیار را دوباره نصب کنید؛ پرونده‌های این رایانه دست نخورده‌اند.</translation>
    </message>
</context>
<context>
    <name>ChartView</name>
    <message>
        <source>Print patient card (Ctrl+P)</source>
        <translation>چاپ کارت بیمار (Ctrl+P)</translation>
    </message>
    <message>
        <source>New visit (Ctrl+Shift+V)</source>
        <translation>مراجعهٔ جدید (Ctrl+Shift+V)</translation>
    </message>
    <message>
        <source>Enter or double-click opens the saved visit</source>
        <translation>با Enter یا دو بار کلیک، مراجعهٔ ذخیره‌شده باز می‌شود</translation>
    </message>
    <message>
        <source>Print patient card</source>
        <translation>چاپ کارت بیمار</translation>
    </message>
    <message>
        <source>Possible duplicates…</source>
        <translation>پرونده‌های احتمالاً تکراری…</translation>
    </message>
    <message>
        <source>Looking for other records…</source>
        <translation>در حال جستجوی پرونده‌های دیگر…</translation>
    </message>
    <message>
        <source>Registered. Print the patient card now, so the next visit starts with a scan.</source>
        <translation>ثبت شد. کارت بیمار را اکنون چاپ کنید تا مراجعهٔ بعدی با اسکن کارت آغاز شود.</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="52"/>
        <location filename="../../app/ui/patients/chart.py" line="140"/>
        <source>Opening the chart…</source>
        <translation>در حال باز کردن پرونده…</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="68"/>
        <source>New visit</source>
        <translation>مراجعهٔ جدید</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="70"/>
        <source>Register a household member</source>
        <translation>ثبت عضو خانوار</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="72"/>
        <source>Enrol household in insurance</source>
        <translation>ثبت‌نام خانوار در بیمه</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="84"/>
        <source>Identity</source>
        <translation>هویت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="89"/>
        <source>Insurance cover</source>
        <translation>پوشش بیمه</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="93"/>
        <source>Document</source>
        <translation>مدرک</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="93"/>
        <location filename="../../app/ui/patients/chart.py" line="97"/>
        <source>Number</source>
        <translation>شماره</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="93"/>
        <source>Cycle / form</source>
        <translation>دوره / نوع</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="94"/>
        <location filename="../../app/ui/patients/chart.py" line="162"/>
        <source>Code</source>
        <translation>کد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="94"/>
        <source>Name</source>
        <translation>نام</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="94"/>
        <source>Relationship</source>
        <translation>نسبت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="95"/>
        <location filename="../../app/ui/patients/chart.py" line="97"/>
        <source>Date</source>
        <translation>تاریخ</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="95"/>
        <source>Complaint</source>
        <translation>شکایت اصلی</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="95"/>
        <source>Diagnoses</source>
        <translation>تشخیص‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="96"/>
        <source>Follow-up</source>
        <translation>پیگیری</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="97"/>
        <source>To</source>
        <translation>به</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="97"/>
        <source>Urgency</source>
        <translation>فوریت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="98"/>
        <source>Status</source>
        <translation>وضعیت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="99"/>
        <source>Documents</source>
        <translation>مدارک</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="99"/>
        <source>Household</source>
        <translation>خانوار</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="100"/>
        <source>Visits</source>
        <translation>مراجعه‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="100"/>
        <source>Referrals</source>
        <translation>ارجاع‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="105"/>
        <source>Print the selected referral slip again</source>
        <translation>چاپ دوبارهٔ برگهٔ ارجاع انتخاب‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="109"/>
        <source>Record the receiving facility&apos;s feedback…</source>
        <translation>ثبت بازخورد مرکز پذیرنده…</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="155"/>
        <source>Show</source>
        <translation>نمایش</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="163"/>
        <source>Name (Persian)</source>
        <translation>نام (فارسی)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="164"/>
        <source>Name (Latin)</source>
        <translation>نام (لاتین)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="165"/>
        <source>Father&apos;s name</source>
        <translation>نام پدر</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="166"/>
        <source>Sex</source>
        <translation>جنس</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="166"/>
        <source>Born</source>
        <translation>تولد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="167"/>
        <source>Nationality</source>
        <translation>ملیت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="168"/>
        <source>Phone</source>
        <translation>تلفن</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="175"/>
        <source>Legal status</source>
        <translation>وضعیت اقامتی</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="179"/>
        <source>Notifiable disease recorded in the last 30 days — check it was reported.</source>
        <translation>در ۳۰ روز گذشته بیماری واجب‌الگزارش ثبت شده است — مطمئن شوید گزارش شده است.</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="183"/>
        <source>%1, paid by %2 — covered until %3</source>
        <translation>%1، پرداخت‌کننده: %2 — تحت پوشش تا %3</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="187"/>
        <source>Not covered</source>
        <translation>تحت پوشش نیست</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/chart.py" line="220"/>
        <source>Sensitive — shown only when needed</source>
        <translation>حساس — فقط در صورت نیاز نمایش داده می‌شود</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <source>That day does not exist in that month: check the day and the month</source>
        <translation>این روز در آن ماه وجود ندارد: روز و ماه را بررسی کنید</translation>
    </message>
    <message>
        <source>That is a Solar Hijri year: enter the Gregorian date, e.g. %1</source>
        <translation>این سال شمسی است: تاریخ میلادی را وارد کنید، مثلاً %1</translation>
    </message>
    <message>
        <source>That is a Gregorian year: enter the Solar Hijri date, e.g. %1</source>
        <translation>این سال میلادی است: تاریخ شمسی را وارد کنید، مثلاً %1</translation>
    </message>
    <message>
        <source>Choose from a calendar (Alt+Down)</source>
        <translation>انتخاب از تقویم (Alt+پایین)</translation>
    </message>
    <message>
        <source>Up/Down: a day, Page Up/Down: a month, Ctrl+Up/Down: a year</source>
        <translation>بالا/پایین: یک روز، Page Up/Down: یک ماه، Ctrl+بالا/پایین: یک سال</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/forms.py" line="107"/>
        <source>Enter the date year first, e.g. %1</source>
        <translation>تاریخ را با سال در ابتدا وارد کنید، مثلاً %1</translation>
    </message>
</context>
<context>
    <name>DaySummaryView</name>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="25"/>
        <source>Day summary</source>
        <translation>خلاصهٔ روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="35"/>
        <source>All facilities of the unit</source>
        <translation>همهٔ مراکز واحد</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="36"/>
        <source>Show</source>
        <translation>نمایش</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="40"/>
        <source>Day</source>
        <translation>روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="40"/>
        <source>Facility</source>
        <translation>مرکز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="51"/>
        <source>Total</source>
        <translation>جمع</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="89"/>
        <source>Counting…</source>
        <translation>در حال شمارش…</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="93"/>
        <source>%1 visits (%2 new patients), %3 referrals</source>
        <translation>%1 مراجعه (%2 بیمار جدید)، %3 ارجاع</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="103"/>
        <source>immediate</source>
        <translation>فوری</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="105"/>
        <source>Notifiable cases: %1</source>
        <translation>موارد واجب‌الگزارش: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/summary.py" line="108"/>
        <source>No notifiable cases.</source>
        <translation>موردی از بیماری‌های واجب‌الگزارش نیست.</translation>
    </message>
</context>
<context>
    <name>DiagnosisPicker</name>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="23"/>
        <source>Diagnoses (ICD-10)</source>
        <translation>تشخیص‌ها (ICD-10)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="32"/>
        <source>Type a code (B05) or words (measles, سرخک)</source>
        <translation>کد (B05) یا واژه (سرخک، measles) بنویسید</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="34"/>
        <source>Confirmed / suspected</source>
        <translation>قطعی / مشکوک</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="36"/>
        <source>Mark the selected diagnosis confirmed (e.g. by a rapid test or the laboratory), or back to suspected</source>
        <translation>تشخیص انتخاب‌شده را قطعی (مثلاً با تست سریع یا آزمایشگاه) یا دوباره مشکوک علامت بزنید</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="40"/>
        <source>Remove selected</source>
        <translation>حذف مورد انتخاب‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="99"/>
        <source>confirmed</source>
        <translation>قطعی</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="99"/>
        <source>suspected</source>
        <translation>مشکوک</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/diagnoses.py" line="124"/>
        <source>%1 is already in the list.</source>
        <translation>%1 از قبل در فهرست هست.</translation>
    </message>
</context>
<context>
    <name>DocumentRow</name>
    <message>
        <location filename="../../app/ui/patients/register.py" line="37"/>
        <source>Number</source>
        <translation>شماره</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="40"/>
        <source>Amayesh cycle</source>
        <translation>دورهٔ آمایش</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="42"/>
        <source>Remove</source>
        <translation>حذف</translation>
    </message>
</context>
<context>
    <name>DuplicateDialog</name>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="21"/>
        <source>Possible duplicate</source>
        <translation>پروندهٔ احتمالاً تکراری</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="33"/>
        <source>same document</source>
        <translation>مدرک یکسان</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="33"/>
        <source>similar</source>
        <translation>مشابه</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="34"/>
        <source>%1 — %2, father: %3, %4, born %5 (%6)</source>
        <translation>%1 — %2، نام پدر: %3، %4، متولد %5 (%6)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="42"/>
        <source>Open the selected record instead</source>
        <translation>به‌جای آن، پروندهٔ انتخاب‌شده را باز کن</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="47"/>
        <source>Or register a new record anyway — say why:</source>
        <translation>یا با این حال پروندهٔ تازه ثبت کنید — دلیل را بنویسید:</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="50"/>
        <source>e.g. different person: other father&apos;s name confirmed</source>
        <translation>مثلاً فرد دیگری است: نام پدر متفاوت تأیید شد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="55"/>
        <source>Register anyway</source>
        <translation>با این حال ثبت کن</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/duplicates.py" line="71"/>
        <source>A reason is needed to register a possible duplicate.</source>
        <translation>برای ثبت یک مورد احتمالاً تکراری، دلیل لازم است.</translation>
    </message>
</context>
<context>
    <name>EnrolForm</name>
    <message>
        <source>Not saved: %1</source>
        <translation>ذخیره نشد: %1</translation>
    </message>
    <message>
        <source>Nothing was entered yet, so nothing was saved: choose the category and the payer, check the members, then save.</source>
        <translation>هنوز چیزی وارد نشده، پس چیزی ذخیره نشد: گروه و پرداخت‌کننده را انتخاب کنید، اعضا را بررسی کنید، سپس ذخیره کنید.</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— انتخاب کنید —</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="30"/>
        <source>Insurance: household %1</source>
        <translation>بیمه: خانوار %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="46"/>
        <source>Rials</source>
        <translation>ریال</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="59"/>
        <source>Members enrolled</source>
        <translation>اعضای ثبت‌نام‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="59"/>
        <source>Scheme</source>
        <translation>طرح بیمه</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="60"/>
        <source>Category</source>
        <translation>گروه</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="60"/>
        <source>Payer</source>
        <translation>پرداخت‌کننده</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="61"/>
        <source>Voucher / gift card number</source>
        <translation>شمارهٔ بن / کارت هدیه</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="62"/>
        <source>Premium (IRR)</source>
        <translation>حق بیمه (ریال)</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="63"/>
        <source>Document used</source>
        <translation>مدرک ارائه‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="64"/>
        <source>Enrolment date</source>
        <translation>تاریخ ثبت‌نام</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="65"/>
        <source>Cover starts</source>
        <translation>آغاز پوشش</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="66"/>
        <source>Cover ends</source>
        <translation>پایان پوشش</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="67"/>
        <source>Pishkhan centre</source>
        <translation>دفتر پیشخوان</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="68"/>
        <source>Confirmation number</source>
        <translation>شمارهٔ تأیید</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="85"/>
        <source>Enrol household</source>
        <translation>ثبت‌نام خانوار</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="166"/>
        <source>Enter the premium in rials, digits only.</source>
        <translation>حق بیمه را به ریال و فقط با رقم وارد کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/insurance/enrol.py" line="181"/>
        <source>Saving the enrolment…</source>
        <translation>در حال ذخیرهٔ ثبت‌نام…</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="24"/>
        <source>Feedback for referral %1</source>
        <translation>بازخورد ارجاع %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="34"/>
        <source>Treated and discharged</source>
        <translation>درمان و ترخیص</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="34"/>
        <source>Admitted</source>
        <translation>بستری</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="35"/>
        <source>Referred onward</source>
        <translation>ارجاع به سطح بالاتر</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="35"/>
        <source>Died</source>
        <translation>فوت</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="36"/>
        <source>Did not attend</source>
        <translation>مراجعه نکرد</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="36"/>
        <source>Other</source>
        <translation>سایر</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="42"/>
        <source>Date seen</source>
        <translation>تاریخ ویزیت</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="43"/>
        <source>Outcome</source>
        <translation>نتیجه</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="44"/>
        <source>Findings / diagnosis</source>
        <translation>یافته‌ها / تشخیص</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="45"/>
        <source>Advice / return</source>
        <translation>توصیه / مراجعهٔ بعدی</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="53"/>
        <source>Save feedback</source>
        <translation>ذخیرهٔ بازخورد</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/feedback.py" line="55"/>
        <source>The patient never arrived</source>
        <translation>بیمار هرگز مراجعه نکرد</translation>
    </message>
</context>
<context>
    <name>FirstRunWindow</name>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="22"/>
        <source>Sayyar — set up this laptop</source>
        <translation>سیار — راه‌اندازی این رایانه</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="30"/>
        <source>Sayyar is not set up on this laptop yet. The unit administrator creates the first account; the database is encrypted with it.</source>
        <translation>سیار هنوز روی این رایانه راه‌اندازی نشده است. مدیر واحد نخستین حساب را می‌سازد و پایگاه داده با آن رمزگذاری می‌شود.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="47"/>
        <source>e.g. ZAH1</source>
        <translation>مثلاً ZAH1</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="54"/>
        <source>Administrator&apos;s full name</source>
        <translation>نام کامل مدیر</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="55"/>
        <source>User name</source>
        <translation>نام کاربری</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="56"/>
        <source>Password</source>
        <translation>گذرواژه</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="57"/>
        <source>Password again</source>
        <translation>تکرار گذرواژه</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="58"/>
        <source>Device code</source>
        <translation>کد دستگاه</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="59"/>
        <source>Unit (sample list)</source>
        <translation>واحد (فهرست نمونه)</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="63"/>
        <source>Set up</source>
        <translation>راه‌اندازی</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="71"/>
        <source>Recovery key — shown only this once. Write it down and keep it locked away; it opens the database if every password is lost.</source>
        <translation>کلید بازیابی — فقط همین یک بار نشان داده می‌شود. آن را بنویسید و در جای امن نگه دارید؛ اگر همهٔ گذرواژه‌ها گم شوند، پایگاه داده را باز می‌کند.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="80"/>
        <source>I have written it down</source>
        <translation>آن را یادداشت کردم</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="83"/>
        <source>Continue to sign in</source>
        <translation>ادامه و ورود</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="101"/>
        <source>Fill in every field.</source>
        <translation>همهٔ خانه‌ها را پر کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/first_run.py" line="104"/>
        <source>The two passwords differ.</source>
        <translation>دو گذرواژه یکسان نیستند.</translation>
    </message>
    <message>
        <source>Set up from headquarters' file or a laptop backup…</source>
        <translation>راه‌اندازی با پروندهٔ ستاد یا نسخهٔ پشتیبان رایانه…</translation>
    </message>
    <message>
        <source>Headquarters' configuration file for this laptop (it names the unit, the device code and the server), or a laptop backup (.sayyarbackup) to restore onto this laptop.</source>
        <translation>پروندهٔ پیکربندی ستاد برای این رایانه (واحد، کد رایانه و کارگزار را نام می‌برد)، یا نسخهٔ پشتیبان رایانه (‎.sayyarbackup‎) برای بازگرداندن روی این رایانه.</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>انتخاب…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>پرونده</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>باز کردن</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>بازگشت</translation>
    </message>
    <message>
        <source>Open it with the recovery key instead</source>
        <translation>به جای آن با کلید بازیابی باز شود</translation>
    </message>
    <message>
        <source>Administrator's user name</source>
        <translation>نام کاربری مدیر</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>کلید بازیابی</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>بازگرداندن</translation>
    </message>
    <message>
        <source>Headquarters' file or a laptop backup</source>
        <translation>پروندهٔ ستاد یا نسخهٔ پشتیبان رایانه</translation>
    </message>
    <message>
        <source>Configuration or backup (*.json *.sayyarbackup);;All files (*)</source>
        <translation>پیکربندی یا پشتیبان (*.json *.sayyarbackup);;همهٔ پرونده‌ها (*)</translation>
    </message>
    <message>
        <source>Type or choose the file first.</source>
        <translation>نخست پرونده را بنویسید یا برگزینید.</translation>
    </message>
    <message>
        <source>Backup of laptop %1, made %2 (UTC). A unit administrator's password or the recovery key opens it. The restored laptop continues under a new epoch with fresh number ranges, so nothing the server holds is overwritten or duplicated.</source>
        <translation>نسخهٔ پشتیبان رایانهٔ %1، ساخته‌شده در %2 (UTC). گذرواژهٔ یک مدیر واحد یا کلید بازیابی آن را باز می‌کند. رایانهٔ بازگردانده با دورهٔ تازه و بازه‌های شمارهٔ تازه ادامه می‌دهد، پس هیچ‌چیز از آنچه کارگزار دارد بازنویسی یا تکرار نمی‌شود.</translation>
    </message>
    <message>
        <source>(none: bundles only)</source>
        <translation>(ندارد: فقط بسته)</translation>
    </message>
    <message>
        <source>From headquarters' file: unit %1, laptop %2, server %3. Enrol the laptop in the Sync panel once it is set up.</source>
        <translation>از پروندهٔ ستاد: %1، رایانهٔ %2، کارگزار %3. پس از راه‌اندازی، رایانه را در بخش همگام‌سازی ثبت کنید.</translation>
    </message>
    <message>
        <source>Type the recovery key.</source>
        <translation>کلید بازیابی را بنویسید.</translation>
    </message>
    <message>
        <source>Type the administrator's user name and password.</source>
        <translation>نام کاربری و گذرواژهٔ مدیر را بنویسید.</translation>
    </message>
    <message>
        <source>Laptop %1 is restored. It continues under epoch %2 with fresh number ranges. If the old laptop was lost, headquarters revokes it and enrols this one again (Sync panel: Enrolment request…).</source>
        <translation>رایانهٔ %1 بازگردانده شد و با دورهٔ %2 و بازه‌های شمارهٔ تازه ادامه می‌دهد. اگر رایانهٔ پیشین گم شده است، ستاد آن را باطل و این یکی را دوباره ثبت می‌کند (بخش همگام‌سازی: درخواست ثبت…).</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>در حال خواندن پرونده…</translation>
    </message>
    <message>
        <source>Restoring the backup…</source>
        <translation>در حال بازگرداندن نسخهٔ پشتیبان…</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>زبان</translation>
    </message>
</context>
<context>
    <name>FormTab</name>
    <message>
        <location filename="../../app/ui/widgets/formtab.py" line="34"/>
        <source>Restore</source>
        <translation>بازگردانی</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/formtab.py" line="35"/>
        <source>Discard</source>
        <translation>دور انداختن</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/formtab.py" line="69"/>
        <source>Unsaved typing from %1 was kept for this form.</source>
        <translation>نوشته‌های ذخیره‌نشدهٔ ساعت %1 برای این فرم نگه داشته شده است.</translation>
    </message>
    <message>
        <source>Not saved: one field needs attention.</source>
        <translation>ذخیره نشد: یک خانه نیاز به بررسی دارد.</translation>
    </message>
    <message>
        <source>Not saved: %1 fields need attention.</source>
        <translation>ذخیره نشد: %1 خانه نیاز به بررسی دارند.</translation>
    </message>
</context>
<context>
    <name>LockPage</name>
    <message>
        <location filename="../../app/ui/signin/lock.py" line="61"/>
        <source>Locked. %1&apos;s work is kept exactly as it was.</source>
        <translation>قفل است. کارهای %1 همان‌طور که بود نگه داشته شده است.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/lock.py" line="68"/>
        <source>Password</source>
        <translation>گذرواژه</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/lock.py" line="72"/>
        <source>Unlock</source>
        <translation>باز کردن قفل</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/lock.py" line="75"/>
        <source>Switch user</source>
        <translation>تغییر کاربر</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Print</source>
        <translation>چاپ</translation>
    </message>
    <message>
        <source>Refer this patient</source>
        <translation>ارجاع این بیمار</translation>
    </message>
    <message>
        <source>New visit for this patient</source>
        <translation>مراجعهٔ جدید برای این بیمار</translation>
    </message>
    <message>
        <source>Possible duplicates…</source>
        <translation>پرونده‌های احتمالاً تکراری…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="73"/>
        <source>&amp;Help</source>
        <translation>&amp;راهنما</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="74"/>
        <source>About Sayyar</source>
        <translation>دربارهٔ سیار</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="87"/>
        <source>Sayyar %1
Database schema %2

Records of IOM Iran&apos;s mobile health units.</source>
        <translation>سیار %1
نسخهٔ ساختار پایگاه داده %2

پرونده‌های واحدهای سیار سلامت سازمان بین‌المللی مهاجرت در ایران.</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="24"/>
        <source>Sayyar — %1 at %2</source>
        <translation>سیار — %1 در %2</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="45"/>
        <source>Patients</source>
        <translation>بیماران</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="54"/>
        <source>&amp;Session</source>
        <translation>&amp;نشست</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="55"/>
        <source>Lock now</source>
        <translation>قفل کن</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="56"/>
        <source>Switch user</source>
        <translation>تغییر کاربر</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="57"/>
        <source>Language</source>
        <translation>زبان</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="63"/>
        <source>Quit</source>
        <translation>خروج</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="64"/>
        <source>&amp;Patients</source>
        <translation>&amp;بیماران</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="65"/>
        <source>Find a patient</source>
        <translation>جست‌وجوی بیمار</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="67"/>
        <source>Register a patient</source>
        <translation>ثبت بیمار</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="68"/>
        <source>&amp;Day</source>
        <translation>&amp;روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="70"/>
        <source>Day plan (roster)</source>
        <translation>برنامهٔ روز (فهرست کشیک)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="71"/>
        <source>Day summary</source>
        <translation>خلاصهٔ روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="72"/>
        <source>S&amp;ync</source>
        <translation>&amp;همگام‌سازی</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="73"/>
        <source>Sync panel</source>
        <translation>صفحهٔ همگام‌سازی</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="74"/>
        <source>Close tab</source>
        <translation>بستن زبانه</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="76"/>
        <source>Save the open form</source>
        <translation>ذخیرهٔ فرم باز</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="129"/>
        <source>Patient</source>
        <translation>بیمار</translation>
    </message>
    <message>
        <source>Vaccinations due</source>
        <translation>واکسن‌های موعدرسیده</translation>
    </message>
    <message>
        <source>Vaccination campaign tally</source>
        <translation>شمارش کارزار واکسیناسیون</translation>
    </message>
</context>
<context>
    <name>PatientSearchView</name>
    <message>
        <source>Register a patient (Ctrl+N)</source>
        <translation>ثبت بیمار (Ctrl+N)</translation>
    </message>
    <message>
        <source>Find a patient (Ctrl+F)</source>
        <translation>جست‌وجوی بیمار (Ctrl+F)</translation>
    </message>
    <message>
        <source>Any sex</source>
        <translation>هر جنس</translation>
    </message>
    <message>
        <source>The first %1 patients — type more to narrow the search</source>
        <translation>%1 بیمار نخست — برای محدودتر شدن جستجو بیشتر بنویسید</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/search.py" line="50"/>
        <source>Name, father&apos;s name, code, document number or phone (Persian or Latin)</source>
        <translation>نام، نام پدر، کد، شمارهٔ مدرک یا تلفن (فارسی یا لاتین)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/search.py" line="55"/>
        <source>Register a patient</source>
        <translation>ثبت بیمار</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/search.py" line="125"/>
        <source>Most recently registered or changed patients — type to search all</source>
        <translation>بیمارانی که به‌تازگی ثبت یا ویرایش شده‌اند — برای جست‌وجوی همه بنویسید</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/patients/search.py" line="158"/>
        <source>%n patient(s)</source>
        <translation>
            <numerusform>%n بیمار</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/search.py" line="159"/>
        <source>(counting the rest…)</source>
        <translation>(در حال شمارش بقیه…)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/search.py" line="191"/>
        <source>You have unsaved forms:</source>
        <translation>فرم‌های ذخیره‌نشده دارید:</translation>
    </message>
</context>
<context>
    <name>PatientTableModel</name>
    <message>
        <source>Found by</source>
        <translation>یافته‌شده با</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/model.py" line="36"/>
        <source>Code</source>
        <translation>کد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/model.py" line="36"/>
        <source>Name</source>
        <translation>نام</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/model.py" line="36"/>
        <source>Father&apos;s name</source>
        <translation>نام پدر</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/model.py" line="36"/>
        <source>Sex</source>
        <translation>جنس</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/model.py" line="37"/>
        <source>Age</source>
        <translation>سن</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/model.py" line="37"/>
        <source>Phone</source>
        <translation>تلفن</translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message numerus="yes">
        <location filename="../../app/ui/printing/preview.py" line="58"/>
        <source>Page %n</source>
        <translation>
            <numerusform>صفحهٔ %n</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="67"/>
        <source>Print…</source>
        <translation>چاپ…</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="68"/>
        <source>Save as PDF…</source>
        <translation>ذخیره به‌صورت PDF…</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="69"/>
        <source>Close</source>
        <translation>بستن</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/printing/preview.py" line="76"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n صفحه</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="91"/>
        <source>Save as PDF</source>
        <translation>ذخیره به‌صورت PDF</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="91"/>
        <source>PDF files (*.pdf)</source>
        <translation>پرونده‌های PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="101"/>
        <source>Could not save</source>
        <translation>ذخیره نشد</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="102"/>
        <source>The PDF could not be saved: %1</source>
        <translation>پروندهٔ PDF ذخیره نشد: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="110"/>
        <source>No printer</source>
        <translation>چاپگری نیست</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="111"/>
        <source>No printer is installed on this computer.

Do you want to save the document as a PDF file instead? You can print it later from another computer.</source>
        <translation>هیچ چاپگری روی این رایانه نصب نیست.

آیا می‌خواهید سند را به‌صورت پروندهٔ PDF ذخیره کنید؟ می‌توانید بعداً آن را از رایانهٔ دیگری چاپ کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="131"/>
        <location filename="../../app/ui/printing/preview.py" line="146"/>
        <source>Printing failed</source>
        <translation>چاپ انجام نشد</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="132"/>
        <source>The printer could not be started. Check that it is switched on and try again.</source>
        <translation>چاپگر راه‌اندازی نشد. روشن بودن آن را بررسی کنید و دوباره تلاش کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/printing/preview.py" line="146"/>
        <source>The printer stopped before all pages were sent.</source>
        <translation>چاپگر پیش از ارسال همهٔ صفحه‌ها متوقف شد.</translation>
    </message>
</context>
<context>
    <name>ReferralForm</name>
    <message>
        <source>Preview and print slip (Ctrl+P)</source>
        <translation>پیش‌نمایش و چاپ برگهٔ ارجاع (Ctrl+P)</translation>
    </message>
    <message>
        <source>Issue referral (Ctrl+S)</source>
        <translation>صدور ارجاع (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="24"/>
        <source>Referral: %1</source>
        <translation>ارجاع: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="39"/>
        <source>Receiving facility</source>
        <translation>مرکز پذیرنده</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="40"/>
        <source>Department</source>
        <translation>بخش</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="41"/>
        <source>Urgency</source>
        <translation>فوریت</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="42"/>
        <source>Reason for referral</source>
        <translation>دلیل ارجاع</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="52"/>
        <source>Issue referral</source>
        <translation>صدور ارجاع</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="55"/>
        <source>Preview and print slip</source>
        <translation>پیش‌نمایش و چاپ برگه</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="111"/>
        <source>Issuing the referral…</source>
        <translation>در حال صدور ارجاع…</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="127"/>
        <source>Issued</source>
        <translation>صادر شد</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/form.py" line="128"/>
        <source>Referral %1 issued (check code %2).</source>
        <translation>ارجاع %1 صادر شد (کد کنترل %2).</translation>
    </message>
</context>
<context>
    <name>RegisterPatientForm</name>
    <message>
        <source>Enter a year (1990), a month and year (1990-05) or an age (35 years, 8 months)</source>
        <translation>سال (۱۳۷۰)، ماه و سال (۱۳۷۰/۰۵) یا سن (۳۵ سال، ۸ ماه) را وارد کنید</translation>
    </message>
    <message>
        <source>That age is over 120 years: check it</source>
        <translation>این سن بیش از ۱۲۰ سال است: آن را بررسی کنید</translation>
    </message>
    <message>
        <source>The month must be between 1 and 12, e.g. 1990-05</source>
        <translation>ماه باید بین ۱ و ۱۲ باشد، مثلاً ۱۳۷۰/۰۵</translation>
    </message>
    <message>
        <source>That looks like a Solar Hijri year: enter the Gregorian year, e.g. 1990</source>
        <translation>این سال شمسی به نظر می‌رسد: سال میلادی را وارد کنید، مثلاً 1990</translation>
    </message>
    <message>
        <source>If the date of birth is not known: the year, the month and year, or the age in years or months (an age or a month gives an estimated date)</source>
        <translation>اگر تاریخ تولد معلوم نیست: سال، ماه و سال، یا سن به سال یا ماه (سن یا ماه، تاریخ تولد تقریبی می‌دهد)</translation>
    </message>
    <message>
        <source>Year (1990), month (1990-05) or age (35 years)</source>
        <translation>سال (۱۳۷۰)، ماه (۱۳۷۰/۰۵) یا سن (۳۵ سال)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="60"/>
        <source>New patient</source>
        <translation>بیمار جدید</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="69"/>
        <source>Names (Persian script and Latin letters; at least one of each pair)</source>
        <translation>نام‌ها (به خط فارسی و حروف لاتین؛ دست‌کم یکی از هر جفت)</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="71"/>
        <source>Persian</source>
        <translation>فارسی</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="72"/>
        <source>Latin</source>
        <translation>لاتین</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="74"/>
        <source>Given name</source>
        <translation>نام</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="74"/>
        <source>Father&apos;s name</source>
        <translation>نام پدر</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="75"/>
        <source>Grandfather&apos;s name</source>
        <translation>نام پدربزرگ</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="75"/>
        <source>Family name</source>
        <translation>نام خانوادگی</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="95"/>
        <source>Identity</source>
        <translation>هویت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="97"/>
        <source>— choose —</source>
        <translation>— انتخاب کنید —</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="102"/>
        <source>Gregorian year, if the date is unknown</source>
        <translation>سال میلادی، اگر تاریخ دقیق معلوم نیست</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="103"/>
        <source>Year is estimated</source>
        <translation>سال تقریبی است</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="110"/>
        <source>Sex</source>
        <translation>جنس</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="110"/>
        <source>Date of birth</source>
        <translation>تاریخ تولد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="111"/>
        <source>Birth year</source>
        <translation>سال تولد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="112"/>
        <source>Nationality</source>
        <translation>ملیت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="113"/>
        <source>Legal status</source>
        <translation>وضعیت اقامتی</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="113"/>
        <source>Phone</source>
        <translation>تلفن</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="114"/>
        <source>Relationship to household head</source>
        <translation>نسبت با سرپرست خانوار</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="125"/>
        <source>Identity documents</source>
        <translation>مدارک هویتی</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="128"/>
        <source>Add a document</source>
        <translation>افزودن مدرک</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="134"/>
        <source>Household</source>
        <translation>خانوار</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="138"/>
        <source>Not part of a household yet</source>
        <translation>هنوز عضو خانواری نیست</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="139"/>
        <source>Start a new household with this person as head</source>
        <translation>تشکیل خانوار تازه با سرپرستی این فرد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="141"/>
        <source>Member of household %1</source>
        <translation>عضو خانوار %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="151"/>
        <source>Consent and notes</source>
        <translation>رضایت و یادداشت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="153"/>
        <source>The person (or guardian) agreed to registration today</source>
        <translation>فرد (یا سرپرست قانونی) امروز با ثبت موافقت کرد</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="158"/>
        <source>Notes</source>
        <translation>یادداشت‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="163"/>
        <source>Save registration</source>
        <translation>ذخیرهٔ ثبت</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="234"/>
        <source>Enter the year in digits, e.g. 1990</source>
        <translation>سال را با رقم وارد کنید، مثلاً ۱۹۹۰</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="236"/>
        <source>Choose the sex.</source>
        <translation>جنس را انتخاب کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="238"/>
        <source>Registration needs the person&apos;s consent.</source>
        <translation>ثبت به رضایت فرد نیاز دارد.</translation>
    </message>
    <message>
        <location filename="../../app/ui/patients/register.py" line="265"/>
        <source>Saving the registration…</source>
        <translation>در حال ذخیرهٔ ثبت…</translation>
    </message>
</context>
<context>
    <name>RosterPlanner</name>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="32"/>
        <source>Day plan</source>
        <translation>برنامهٔ روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="43"/>
        <source>Show the plan</source>
        <translation>نمایش برنامه</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="47"/>
        <source>Day</source>
        <translation>روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="47"/>
        <source>Facility</source>
        <translation>مرکز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="56"/>
        <source>Staff on duty</source>
        <translation>کارکنان کشیک</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="66"/>
        <source>Patients expected (follow-ups due are added for you)</source>
        <translation>بیماران مورد انتظار (پیگیری‌های موعددار خودکار افزوده می‌شوند)</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="71"/>
        <source>Remove selected patient</source>
        <translation>حذف بیمار انتخاب‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="77"/>
        <source>Find a patient to add</source>
        <translation>بیماری را برای افزودن پیدا کنید</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="92"/>
        <source>Note for the site (where the unit parks, water, security…)</source>
        <translation>یادداشت محل (جای توقف واحد، آب، امنیت…)</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="97"/>
        <source>Save the plan</source>
        <translation>ذخیرهٔ برنامه</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="101"/>
        <source>Print the roster</source>
        <translation>چاپ برنامهٔ روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="153"/>
        <source>Loading the plan…</source>
        <translation>در حال بارگذاری برنامه…</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="163"/>
        <source>follow-up due: %1</source>
        <translation>پیگیری موعددار: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="169"/>
        <source>Saved plan</source>
        <translation>برنامهٔ ذخیره‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="169"/>
        <source>Not planned yet</source>
        <translation>هنوز برنامه‌ریزی نشده</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="232"/>
        <source>Saving the plan…</source>
        <translation>در حال ذخیرهٔ برنامه…</translation>
    </message>
    <message>
        <location filename="../../app/ui/roster/planner.py" line="236"/>
        <source>Plan saved.</source>
        <translation>برنامه ذخیره شد.</translation>
    </message>
    <message>
        <source>Vaccinations due at this site on the day</source>
        <translation>واکسن‌های موعددار در این محل در آن روز</translation>
    </message>
    <message>
        <source>Add the children due to the plan</source>
        <translation>افزودن کودکان موعددار به برنامه</translation>
    </message>
    <message>
        <source>Children due for vaccination: %1 (%2 overdue today); the first %3, most overdue first:</source>
        <translation>کودکان با موعد واکسن: %1 (%2 با دیرکرد امروز)؛ %3 مورد نخست، با بیشترین دیرکرد در آغاز:</translation>
    </message>
    <message>
        <source>No child is due for vaccination here on this day.</source>
        <translation>هیچ کودکی در این روز در اینجا موعد واکسن ندارد.</translation>
    </message>
    <message>
        <source>vaccination due: %1</source>
        <translation>موعد واکسن: %1</translation>
    </message>
</context>
<context>
    <name>SignInWindow</name>
    <message>
        <source>Every password lost? Open with the recovery key…</source>
        <translation>همهٔ گذرواژه‌ها گم شده؟ باز کردن با کلید بازیابی…</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="24"/>
        <source>Sayyar — sign in</source>
        <translation>سیار — ورود</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="30"/>
        <source>Sayyar</source>
        <translation>سیار</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="43"/>
        <source>Language</source>
        <translation>زبان</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="46"/>
        <source>Mobile health unit records — works without a network</source>
        <translation>پروندهٔ واحد سیار سلامت — بدون اینترنت هم کار می‌کند</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="49"/>
        <source>Switching user: everyone&apos;s saved and queued work stays on this laptop.</source>
        <translation>تغییر کاربر: کارهای ذخیره‌شده و در صف همه روی این رایانه می‌ماند.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="64"/>
        <source>User name</source>
        <translation>نام کاربری</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="65"/>
        <source>Password</source>
        <translation>گذرواژه</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="69"/>
        <source>Sign in</source>
        <translation>ورود</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="85"/>
        <source>Today&apos;s facility</source>
        <translation>مرکز امروز</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="86"/>
        <source>Start the day</source>
        <translation>شروع روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="102"/>
        <source>Enter your user name and password.</source>
        <translation>نام کاربری و گذرواژه را وارد کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="117"/>
        <source>Welcome, %1. Where are you working today?</source>
        <translation>%1، خوش آمدید. امروز کجا کار می‌کنید؟</translation>
    </message>
    <message>
        <location filename="../../app/ui/signin/window.py" line="127"/>
        <source>No facility is configured for your unit. Ask the unit administrator.</source>
        <translation>هیچ مرکزی برای واحد شما تعریف نشده است. از مدیر واحد بپرسید.</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Bundle of %1 (%2, sequences %3–%4, %5 changes) is still waiting for its receipt from headquarters.</source>
        <translation>بستهٔ %1 (%2، ترتیب %3 تا %4، %5 تغییر) هنوز در انتظار رسید ستاد مرکزی است.</translation>
    </message>
    <message>
        <source>An earlier bundle was never receipted; its changes go again in this one. Load its receipt when it comes.</source>
        <translation>برای بستهٔ پیشین هرگز رسیدی نیامد؛ تغییرات آن دوباره در این بسته می‌رود. رسید آن را هر وقت رسید بارگذاری کنید.</translation>
    </message>
    <message>
        <source>Back up this laptop…</source>
        <translation>پشتیبان‌گیری از این رایانه…</translation>
    </message>
    <message>
        <source>No backup and no sync for %1 days: back up this laptop to a USB stick.</source>
        <translation>%1 روز است نه پشتیبانی گرفته شده و نه همگام‌سازی شده: از این رایانه روی حافظهٔ USB پشتیبان بگیرید.</translation>
    </message>
    <message>
        <source>Back up this laptop</source>
        <translation>پشتیبان‌گیری از این رایانه</translation>
    </message>
    <message>
        <source>Laptop backup (*.sayyarbackup)</source>
        <translation>پشتیبان رایانه (*.sayyarbackup)</translation>
    </message>
    <message>
        <source>Backup written: %1. It opens only with the recovery key or a unit administrator&apos;s password; keep it away from the laptop.</source>
        <translation>پشتیبان نوشته شد: %1. فقط با کلید بازیابی یا گذرواژهٔ مدیر واحد باز می‌شود؛ آن را دور از رایانه نگه دارید.</translation>
    </message>
    <message>
        <source>Sync automatically whenever the server can be reached</source>
        <translation>همگام‌سازی خودکار هر زمان که کارگزار در دسترس باشد</translation>
    </message>
    <message>
        <source>Only the unit administrator can turn automatic sync off.</source>
        <translation>تنها مدیر واحد می‌تواند همگام‌سازی خودکار را خاموش کند.</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>در حال فرستادن</translation>
    </message>
    <message>
        <source>Receiving</source>
        <translation>در حال دریافت</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="31"/>
        <source>Sync</source>
        <translation>همگام‌سازی</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="40"/>
        <location filename="../../app/ui/sync/panel.py" line="48"/>
        <source>Record type</source>
        <translation>نوع رکورد</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="40"/>
        <source>Queued</source>
        <translation>در صف</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="40"/>
        <source>Sent</source>
        <translation>ارسال‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="41"/>
        <source>Acknowledged</source>
        <translation>تأییدشده</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="41"/>
        <source>Rejected</source>
        <translation>ردشده</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="45"/>
        <source>Rejected by the server (quarantined) — the rest of the queue goes on:</source>
        <translation>ردشده توسط کارگزار (قرنطینه) — بقیهٔ صف ادامه می‌یابد:</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="48"/>
        <source>Sequence</source>
        <translation>شماره ترتیب</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="48"/>
        <source>Reason</source>
        <translation>دلیل</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="54"/>
        <source>Sync now</source>
        <translation>همگام‌سازی اکنون</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="55"/>
        <source>Export bundle…</source>
        <translation>صدور بسته…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="57"/>
        <source>Load receipt…</source>
        <translation>بارگذاری رسید…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="65"/>
        <source>Refresh</source>
        <translation>تازه‌سازی</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="90"/>
        <source>never</source>
        <translation>هرگز</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="91"/>
        <source>%1 changes waiting to leave this laptop. Last successful sync: %2.</source>
        <translation>%1 تغییر در انتظار ارسال از این رایانه است. آخرین همگام‌سازی موفق: %2.</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="94"/>
        <source>This laptop is not enrolled with a sync server; bundles on a USB stick still work.</source>
        <translation>این رایانه در کارگزار همگام‌سازی ثبت نشده است؛ بسته‌های روی حافظهٔ USB همچنان کار می‌کنند.</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="96"/>
        <source>Last error: %1</source>
        <translation>آخرین خطا: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="112"/>
        <source>This feature is not available in this build of Sayyar.</source>
        <translation>این امکان در این نسخهٔ سیار وجود ندارد.</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="116"/>
        <source>Export bundle</source>
        <translation>صدور بسته</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="116"/>
        <source>Sync bundle (*.sayyar)</source>
        <translation>بستهٔ همگام‌سازی (*.sayyar)</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="121"/>
        <source>Load receipt</source>
        <translation>بارگذاری رسید</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="121"/>
        <source>Receipt (*.receipt *.json)</source>
        <translation>رسید (*.receipt *.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="126"/>
        <source>Working…</source>
        <translation>در حال انجام…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="128"/>
        <source>Sync in progress…</source>
        <translation>همگام‌سازی در جریان است…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/panel.py" line="131"/>
        <source>Done.</source>
        <translation>انجام شد.</translation>
    </message>
    <message>
        <source>Enrolment request…</source>
        <translation>درخواست ثبت…</translation>
    </message>
    <message>
        <source>Load enrolment…</source>
        <translation>بارکردن ثبت…</translation>
    </message>
    <message>
        <source>Enrolment request for headquarters</source>
        <translation>درخواست ثبت برای ستاد</translation>
    </message>
    <message>
        <source>Enrolment request (*.json)</source>
        <translation>درخواست ثبت (*.json)</translation>
    </message>
    <message>
        <source>Load enrolment</source>
        <translation>بارکردن ثبت</translation>
    </message>
    <message>
        <source>Enrolment file (*.json)</source>
        <translation>پروندهٔ ثبت (*.json)</translation>
    </message>
    <message>
        <source>Enrolment request written: %1. Give it to headquarters (sayyar server enrol-device --request FILE) and load the enrolment file they return.</source>
        <translation>درخواست ثبت نوشته شد: %1. آن را به ستاد بدهید (sayyar server enrol-device --request FILE) و پروندهٔ ثبتی را که برمی‌گردانند بار کنید.</translation>
    </message>
    <message>
        <source>Enrolled: this laptop can now sync with the server and write bundles.</source>
        <translation>ثبت شد: این رایانه اکنون می‌تواند با کارگزار همگام شود و بسته بنویسد.</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <source>no backup or sync for %1 days</source>
        <translation>%1 روز بدون پشتیبان یا همگام‌سازی</translation>
    </message>
    <message>
        <source>Sync: sending and receiving…</source>
        <translation>همگام‌سازی: در حال فرستادن و دریافت…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 از %2</translation>
    </message>
    <message>
        <source>automatic sync is off</source>
        <translation>همگام‌سازی خودکار خاموش است</translation>
    </message>
    <message>
        <source>server not reachable, trying again by itself</source>
        <translation>کارگزار در دسترس نیست، خودکار دوباره تلاش می‌شود</translation>
    </message>
    <message>
        <source>The sync server could not be reached.</source>
        <translation>به کارگزار همگام‌سازی دسترسی نشد.</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="24"/>
        <source>Sync: …</source>
        <translation>همگام‌سازی: …</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="44"/>
        <source>Sync: status unavailable</source>
        <translation>همگام‌سازی: وضعیت در دسترس نیست</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="49"/>
        <source>never</source>
        <translation>هرگز</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="50"/>
        <source>Sync: %1 queued · last success %2</source>
        <translation>همگام‌سازی: %1 در صف · آخرین موفقیت %2</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="53"/>
        <source>%1 rejected</source>
        <translation>%1 رد شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="55"/>
        <source>last attempt failed</source>
        <translation>آخرین تلاش ناموفق بود</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync/status.py" line="59"/>
        <source>Open the Sync panel</source>
        <translation>باز کردن صفحهٔ همگام‌سازی</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <source>Amending a visit: %1</source>
        <translation>اصلاح ویزیت: %1</translation>
    </message>
    <message>
        <source>The visit was amended again after this typing was kept (now version %1): check every field before saving.</source>
        <translation>این ویزیت پس از نگه‌داشتن این نوشته‌ها دوباره اصلاح شده است (اکنون نسخهٔ %1): پیش از ذخیره همهٔ خانه‌ها را بررسی کنید.</translation>
    </message>
    <message>
        <source>Time given (HH:MM)</source>
        <translation>ساعت مصرف (ساعت:دقیقه)</translation>
    </message>
    <message>
        <source>Enter the weeks as a whole number, e.g. 32</source>
        <translation>هفته‌ها را با عدد صحیح وارد کنید، مثلاً ۳۲</translation>
    </message>
    <message>
        <source>Known allergies</source>
        <translation>حساسیت‌های شناخته‌شده</translation>
    </message>
    <message>
        <source>e.g. penicillin (rash); none known</source>
        <translation>مثلاً پنی‌سیلین (بثورات)؛ شناخته‌شده ندارد</translation>
    </message>
    <message>
        <source>Weeks of pregnancy</source>
        <translation>هفتهٔ بارداری</translation>
    </message>
    <message>
        <source>Weeks of pregnancy, if known</source>
        <translation>هفتهٔ بارداری، اگر معلوم است</translation>
    </message>
    <message>
        <source>weeks</source>
        <translation>هفته</translation>
    </message>
    <message>
        <source>Unusual readings checked and confirmed: %1.</source>
        <translation>اندازه‌های غیرمعمول بررسی و تأیید شد: %1.</translation>
    </message>
    <message>
        <source>Alt+U: follow-up date</source>
        <translation>Alt+U: تاریخ پیگیری</translation>
    </message>
    <message>
        <source>Alt+M: add a medicine</source>
        <translation>Alt+M: افزودن دارو</translation>
    </message>
    <message>
        <source>Alt+I: diagnosis (ICD-10)</source>
        <translation>Alt+I: تشخیص (ICD-10)</translation>
    </message>
    <message>
        <source>Amendment saved.</source>
        <translation>اصلاح ذخیره شد.</translation>
    </message>
    <message>
        <source>Saving the amendment…</source>
        <translation>در حال ذخیرهٔ اصلاح…</translation>
    </message>
    <message>
        <source>Nothing was changed, so there is nothing to amend.</source>
        <translation>چیزی تغییر نکرده است؛ چیزی برای اصلاح نیست.</translation>
    </message>
    <message>
        <source>Save the amendment</source>
        <translation>ذخیرهٔ اصلاح</translation>
    </message>
    <message>
        <source>Notifiable disease recorded: %1</source>
        <translation>بیماری واجب‌الگزارش ثبت شده است: %1</translation>
    </message>
    <message>
        <source>Amended (version %1): %2</source>
        <translation>اصلاح‌شده (نسخهٔ %1): %2</translation>
    </message>
    <message>
        <source>Saved visit of %1.</source>
        <translation>مراجعهٔ ذخیره‌شدهٔ %1.</translation>
    </message>
    <message>
        <source>Opening the visit…</source>
        <translation>در حال باز کردن مراجعه…</translation>
    </message>
    <message>
        <source>Visit saved.</source>
        <translation>مراجعه ذخیره شد.</translation>
    </message>
    <message>
        <source>Say why the visit is amended.</source>
        <translation>بنویسید چرا مراجعه اصلاح می‌شود.</translation>
    </message>
    <message>
        <source>Refer this patient (Ctrl+Shift+R)</source>
        <translation>ارجاع این بیمار (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <source>Change the saved visit: the change is stored as a new version with its reason</source>
        <translation>تغییر مراجعهٔ ذخیره‌شده: تغییر به‌صورت نسخهٔ تازه همراه با دلیلش ذخیره می‌شود</translation>
    </message>
    <message>
        <source>Amend…</source>
        <translation>اصلاح…</translation>
    </message>
    <message>
        <source>Save visit (Ctrl+S)</source>
        <translation>ذخیرهٔ مراجعه (Ctrl+S)</translation>
    </message>
    <message>
        <source>e.g. the rapid test came back positive</source>
        <translation>مثلاً نتیجهٔ تست سریع مثبت آمد</translation>
    </message>
    <message>
        <source>Why is the visit amended?</source>
        <translation>چرا مراجعه اصلاح می‌شود؟</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="27"/>
        <source>Visit: %1</source>
        <translation>مراجعه: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="41"/>
        <source>Why they came</source>
        <translation>علت مراجعه</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="45"/>
        <source>New problem</source>
        <translation>مشکل جدید</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="46"/>
        <source>Follow-up</source>
        <translation>پیگیری</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="50"/>
        <source>Visit</source>
        <translation>مراجعه</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="51"/>
        <source>Complaint</source>
        <translation>شکایت اصلی</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="53"/>
        <source>Findings</source>
        <translation>یافته‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="60"/>
        <source>Pregnant</source>
        <translation>باردار</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="71"/>
        <source>Treatment</source>
        <translation>درمان</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="77"/>
        <source>Medicine</source>
        <translation>دارو</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="77"/>
        <source>Dose</source>
        <translation>مقدار مصرف</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="77"/>
        <source>Quantity</source>
        <translation>تعداد</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="84"/>
        <source>Add a medicine</source>
        <translation>افزودن دارو</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="90"/>
        <source>Follow-up date</source>
        <translation>تاریخ پیگیری</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="103"/>
        <source>Save visit</source>
        <translation>ذخیرهٔ مراجعه</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="106"/>
        <source>Refer this patient…</source>
        <translation>ارجاع این بیمار…</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="136"/>
        <source>NOTIFIABLE DISEASE: %1 — report immediately to the district health centre. This visit will be marked urgent.</source>
        <translation>بیماری واجب‌الگزارش: %1 — فوراً به مرکز بهداشت شهرستان گزارش دهید. این مراجعه فوری علامت‌گذاری می‌شود.</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="174"/>
        <source>Write the complaint.</source>
        <translation>شکایت اصلی را بنویسید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="191"/>
        <source>Saving the visit…</source>
        <translation>در حال ذخیرهٔ مراجعه…</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="212"/>
        <source>Saved</source>
        <translation>ذخیره شد</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="221"/>
        <source>report immediately</source>
        <translation>فوراً گزارش شود</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="221"/>
        <source>report in the weekly list</source>
        <translation>در فهرست هفتگی گزارش شود</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="223"/>
        <source>URGENT — notifiable disease: %1</source>
        <translation>فوری — بیماری واجب‌الگزارش: %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="224"/>
        <source>Notifiable disease</source>
        <translation>بیماری واجب‌الگزارش</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/form.py" line="225"/>
        <source>This visit records a notifiable disease:

%1

Report it to the district health centre now. The visit is marked urgent.</source>
        <translation>در این مراجعه بیماری واجب‌الگزارش ثبت شده است:

%1

همین حالا به مرکز بهداشت شهرستان گزارش دهید. این مراجعه فوری علامت‌گذاری شد.</translation>
    </message>
</context>
<context>
    <name>VitalsBox</name>
    <message>
        <source>Unusual (usual %1–%2): saving asks you to confirm it</source>
        <translation>غیرمعمول (معمول %1–%2): هنگام ذخیره تأیید آن پرسیده می‌شود</translation>
    </message>
    <message>
        <source>Unusual, confirmed as true</source>
        <translation>غیرمعمول، درستی‌اش تأیید شد</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="33"/>
        <source>Temperature (°C)</source>
        <translation>دما (درجهٔ سانتی‌گراد)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="33"/>
        <source>Systolic BP (mmHg)</source>
        <translation>فشار سیستولیک (mmHg)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="34"/>
        <source>Diastolic BP (mmHg)</source>
        <translation>فشار دیاستولیک (mmHg)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="34"/>
        <source>Pulse (/min)</source>
        <translation>نبض (در دقیقه)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="34"/>
        <source>Breaths (/min)</source>
        <translation>تنفس (در دقیقه)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="35"/>
        <source>SpO₂ (%)</source>
        <translation>اشباع اکسیژن (٪)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="35"/>
        <source>Weight (kg)</source>
        <translation>وزن (کیلوگرم)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="35"/>
        <source>Height (cm)</source>
        <translation>قد (سانتی‌متر)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="36"/>
        <source>MUAC (mm)</source>
        <translation>دور میانهٔ بازو (میلی‌متر)</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="41"/>
        <source>Vital signs</source>
        <translation>علائم حیاتی</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="73"/>
        <source>Enter a number</source>
        <translation>یک عدد وارد کنید</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="73"/>
        <source>Enter a whole number</source>
        <translation>یک عدد صحیح وارد کنید</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/vitals.py" line="77"/>
        <source>Outside %1–%2: check the typing</source>
        <translation>خارج از %1–%2: عدد را بررسی کنید</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../app/ui/labels.py" line="82"/>
        <source>Notifiable case in the last 30 days</source>
        <translation>مورد واجب‌الگزارش در ۳۰ روز گذشته</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="83"/>
        <source>Follow-up due this week</source>
        <translation>پیگیری در این هفته</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="83"/>
        <source>Follow-up missed</source>
        <translation>پیگیری از دست رفته</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="84"/>
        <source>No insurance cover</source>
        <translation>بدون پوشش بیمه</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="84"/>
        <source>Insurance ends within 30 days</source>
        <translation>بیمه تا ۳۰ روز دیگر تمام می‌شود</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="85"/>
        <source>Sensitive status</source>
        <translation>وضعیت حساس</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="89"/>
        <source>Hospital</source>
        <translation>بیمارستان</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="89"/>
        <source>Health centre</source>
        <translation>مرکز بهداشت</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="90"/>
        <source>Health post</source>
        <translation>پایگاه بهداشت</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="95"/>
        <source>Patients</source>
        <translation>بیماران</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="96"/>
        <source>Households</source>
        <translation>خانوارها</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="97"/>
        <source>Identity documents</source>
        <translation>مدارک هویتی</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="98"/>
        <source>Visits</source>
        <translation>مراجعه‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="99"/>
        <source>Visit diagnoses</source>
        <translation>تشخیص‌های مراجعه</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="100"/>
        <source>Referrals</source>
        <translation>ارجاع‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="101"/>
        <source>Notifiable cases</source>
        <translation>موارد واجب‌الگزارش</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="102"/>
        <source>Insurance enrolments</source>
        <translation>ثبت‌نام‌های بیمه</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="103"/>
        <source>Enrolled members</source>
        <translation>اعضای ثبت‌نام‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="104"/>
        <source>Day plans</source>
        <translation>برنامه‌های روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="105"/>
        <source>Staff on duty</source>
        <translation>کارکنان کشیک</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="106"/>
        <source>Planned patients</source>
        <translation>بیماران برنامه‌ریزی‌شده</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="107"/>
        <source>Audit trail</source>
        <translation>ردپای ممیزی</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="108"/>
        <source>Units</source>
        <translation>واحدها</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="109"/>
        <source>Facilities</source>
        <translation>مراکز</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="110"/>
        <source>Departments</source>
        <translation>بخش‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="111"/>
        <source>Diagnoses</source>
        <translation>تشخیص‌ها</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="112"/>
        <source>Staff accounts</source>
        <translation>حساب‌های کارکنان</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="120"/>
        <source>Under 5</source>
        <translation>زیر ۵ سال</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="121"/>
        <source>5 to 17</source>
        <translation>۵ تا ۱۷ سال</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="122"/>
        <source>18 to 59</source>
        <translation>۱۸ تا ۵۹ سال</translation>
    </message>
    <message>
        <location filename="../../app/ui/labels.py" line="123"/>
        <source>60 and over</source>
        <translation>۶۰ سال و بیشتر</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/ui/app.py" line="243"/>
        <source>Checking the password…</source>
        <translation>در حال بررسی گذرواژه…</translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <location filename="../../app/ui/ops.py" line="76"/>
        <source>Something went wrong and the action was not completed. Your typing is kept; try again, and if it keeps happening tell the unit administrator.</source>
        <translation>مشکلی پیش آمد و کار انجام نشد. نوشته‌های شما حفظ شده است؛ دوباره تلاش کنید و اگر تکرار شد به مدیر واحد بگویید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/ops.py" line="82"/>
        <source>Not done</source>
        <translation>انجام نشد</translation>
    </message>
</context>
<context>
    <name>printing</name>
    <message>
        <source>Patient card</source>
        <translation>کارت بیمار</translation>
    </message>
    <message>
        <source>Preparing the patient card…</source>
        <translation>در حال آماده‌سازی کارت بیمار…</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/printing.py" line="31"/>
        <source>Printing</source>
        <translation>چاپ</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/printing.py" line="32"/>
        <source>Printing is not available in this build of Sayyar. The record is saved; print it later from the chart.</source>
        <translation>چاپ در این نسخهٔ سیار در دسترس نیست. پرونده ذخیره شده است؛ بعداً از پرونده چاپ کنید.</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/printing.py" line="58"/>
        <source>Referral slip</source>
        <translation>برگهٔ ارجاع</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/printing.py" line="60"/>
        <source>Preparing the referral slip…</source>
        <translation>در حال آماده‌سازی برگهٔ ارجاع…</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/printing.py" line="68"/>
        <source>Day roster</source>
        <translation>برنامهٔ روز</translation>
    </message>
    <message>
        <location filename="../../app/ui/referrals/printing.py" line="70"/>
        <source>Preparing the roster…</source>
        <translation>در حال آماده‌سازی برنامهٔ روز…</translation>
    </message>
    <message>
        <source>Vaccination card</source>
        <translation>کارت واکسیناسیون</translation>
    </message>
    <message>
        <source>Preparing the vaccination card…</source>
        <translation>آماده‌سازی کارت واکسیناسیون…</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../app/ui/app.py" line="117"/>
        <source>Creating the encrypted database…</source>
        <translation>در حال ساخت پایگاه دادهٔ رمزگذاری‌شده…</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="172"/>
        <source>Signing in…</source>
        <translation>در حال ورود…</translation>
    </message>
</context>
<context>
    <name>OnsetField</name>
    <message>
        <location filename="../../app/ui/visits/onset.py" line="23"/>
        <source>Illness began on</source>
        <translation>شروع بیماری در تاریخ</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits/onset.py" line="27"/>
        <source>The day the first symptoms began (the visit day if not known). Notifiable cases count in the week of their onset.</source>
        <translation>روزی که نخستین علائم شروع شد (اگر معلوم نیست، روز مراجعه). موارد بیماری‌های گزارش‌دادنی در هفتهٔ شروع علائم شمرده می‌شوند.</translation>
    </message>
</context>
<context>
    <name>CandidatesDialog</name>
    <message>
        <source>Possible duplicates of %1</source>
        <translation>پرونده‌های احتمالاً تکراریِ %1</translation>
    </message>
    <message>
        <source>No other record looks like this person.</source>
        <translation>پروندهٔ دیگری شبیه این فرد نیست.</translation>
    </message>
    <message>
        <source>Open the selected record</source>
        <translation>باز کردن پروندهٔ انتخاب‌شده</translation>
    </message>
    <message>
        <source>Merge it into this record</source>
        <translation>ادغام آن در این پرونده</translation>
    </message>
    <message>
        <source>Not the same person</source>
        <translation>این‌ها یک نفر نیستند</translation>
    </message>
    <message>
        <source>Merged into this record.</source>
        <translation>در این پرونده ادغام شد.</translation>
    </message>
    <message>
        <source>Marked as a different person.</source>
        <translation>به‌عنوان فرد دیگری علامت خورد.</translation>
    </message>
</context>
<context>
    <name>DuplicatesReview</name>
    <message>
        <source>Possible duplicates</source>
        <translation>پرونده‌های احتمالاً تکراری</translation>
    </message>
    <message>
        <source>Patients who may have been registered twice, most likely first. Merge a pair into one record, or mark the two as different people.</source>
        <translation>بیمارانی که شاید دو بار ثبت شده‌اند، محتمل‌ترین در بالا. هر جفت را در یک پرونده ادغام کنید یا آن دو را افراد متفاوت علامت بزنید.</translation>
    </message>
    <message>
        <source>Look for duplicates</source>
        <translation>جستجوی پرونده‌های تکراری</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>امتیاز</translation>
    </message>
    <message>
        <source>Record kept</source>
        <translation>پروندهٔ ماندگار</translation>
    </message>
    <message>
        <source>Record merged into it</source>
        <translation>پروندهٔ ادغام‌شونده</translation>
    </message>
    <message>
        <source>Why they look alike</source>
        <translation>چرا شبیه‌اند</translation>
    </message>
    <message>
        <source>Keep the other record</source>
        <translation>نگه‌داشتن پروندهٔ دیگر</translation>
    </message>
    <message>
        <source>Merge the pair</source>
        <translation>ادغام این جفت</translation>
    </message>
    <message>
        <source>Not the same person</source>
        <translation>این‌ها یک نفر نیستند</translation>
    </message>
    <message>
        <source>Open the kept record</source>
        <translation>باز کردن پروندهٔ ماندگار</translation>
    </message>
    <message>
        <source>Open the other record</source>
        <translation>باز کردن پروندهٔ دیگر</translation>
    </message>
    <message>
        <source>Comparing every patient of the unit…</source>
        <translation>در حال مقایسهٔ همهٔ بیماران واحد…</translation>
    </message>
    <message>
        <source>%1 likely pairs</source>
        <translation>%1 جفت محتمل</translation>
    </message>
    <message>
        <source>No likely duplicates found.</source>
        <translation>پروندهٔ تکراری محتملی پیدا نشد.</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>در حال جستجوی پرونده‌های تکراری…</translation>
    </message>
    <message>
        <source>%1 — %2, father: %3, born %4</source>
        <translation>%1 — %2، پدر: %3، تولد %4</translation>
    </message>
    <message>
        <source>Merge %1 into %2? Visits, referrals and documents of %1 move to %2, and %1 is kept only as a pointer to %2.</source>
        <translation>%1 در %2 ادغام شود؟ مراجعه‌ها، ارجاع‌ها و مدارک %1 به %2 منتقل می‌شوند و %1 فقط به‌عنوان نشانی به %2 می‌ماند.</translation>
    </message>
    <message>
        <source>%1 merged into %2 (%3 records moved).</source>
        <translation>%1 در %2 ادغام شد (%3 سابقه منتقل شد).</translation>
    </message>
    <message>
        <source>Merging…</source>
        <translation>در حال ادغام…</translation>
    </message>
    <message>
        <source>What shows they are different people? (kept in the audit trail)</source>
        <translation>چه چیزی نشان می‌دهد این دو فرد متفاوت‌اند؟ (در سوابق ممیزی نگه داشته می‌شود)</translation>
    </message>
    <message>
        <source>Marked as different people: %1 and %2.</source>
        <translation>به‌عنوان افراد متفاوت علامت خوردند: %1 و %2.</translation>
    </message>
</context>
<context>
    <name>PatientMatch</name>
    <message>
        <source>scanned card</source>
        <translation>کارت اسکن‌شده</translation>
    </message>
    <message>
        <source>patient code</source>
        <translation>کد بیمار</translation>
    </message>
    <message>
        <source>document number</source>
        <translation>شمارهٔ مدرک</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>تلفن</translation>
    </message>
    <message>
        <source>exact name</source>
        <translation>نام دقیق</translation>
    </message>
    <message>
        <source>beginning of the name</source>
        <translation>آغاز نام</translation>
    </message>
    <message>
        <source>written with or without spaces</source>
        <translation>با یا بدون فاصله</translation>
    </message>
    <message>
        <source>another spelling</source>
        <translation>املای دیگر</translation>
    </message>
    <message>
        <source>the other script</source>
        <translation>خط دیگر</translation>
    </message>
    <message>
        <source>sounds alike</source>
        <translation>هم‌آوا</translation>
    </message>
    <message>
        <source>given name</source>
        <translation>نام</translation>
    </message>
    <message>
        <source>father's name</source>
        <translation>نام پدر</translation>
    </message>
    <message>
        <source>family or grandfather's name</source>
        <translation>نام خانوادگی یا نام پدربزرگ</translation>
    </message>
    <message>
        <source>birth year</source>
        <translation>سال تولد</translation>
    </message>
    <message>
        <source>sex</source>
        <translation>جنس</translation>
    </message>
    <message>
        <source>household</source>
        <translation>خانوار</translation>
    </message>
</context>
<context>
    <name>CampaignView</name>
    <message>
        <source>Campaign tally</source>
        <translation>شمارش کارزار واکسیناسیون</translation>
    </message>
    <message>
        <source>Print the day&apos;s report</source>
        <translation>چاپ گزارش روز</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>کارزار</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>ملیت</translation>
    </message>
    <message>
        <source>Type the age band — 1: 0–11 months, 2: 12–59 months, 3: 5–14 years — then the sex, F or M (ز / م). Before the band: R (ر) refused, A (غ) absent, Z (ص) never vaccinated before. Backspace takes back the last child.</source>
        <translation>گروه سنی را بزنید — ۱: ۰ تا ۱۱ ماه، ۲: ۱۲ تا ۵۹ ماه، ۳: ۵ تا ۱۴ سال — سپس جنس: ز (زن) یا م (مرد)، یا F / M. پیش از گروه سنی: ر امتناع، غ غایب، ص بدون سابقهٔ واکسن. کلید پاک‌کردن آخرین کودک را برمی‌گرداند.</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>جمع</translation>
    </message>
    <message>
        <source>Start a campaign</source>
        <translation>شروع کارزار</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>شروع</translation>
    </message>
    <message>
        <source>Round code</source>
        <translation>کد دور</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>نام</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>واکسن</translation>
    </message>
    <message>
        <source>First day</source>
        <translation>روز نخست</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>روز پایان</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>محل</translation>
    </message>
    <message>
        <source>Start a campaign or choose one first.</source>
        <translation>نخست کارزاری را شروع یا انتخاب کنید.</translation>
    </message>
    <message>
        <source>Counted: %1</source>
        <translation>شمرده شد: %1</translation>
    </message>
    <message>
        <source>Taken back: %1</source>
        <translation>برگردانده شد: %1</translation>
    </message>
    <message>
        <source>Today: %1 vaccinated (%2 never vaccinated before), %3 refused, %4 absent</source>
        <translation>امروز: %1 واکسینه (%2 بدون سابقهٔ واکسن)، %3 امتناع، %4 غایب</translation>
    </message>
    <message>
        <source>Campaign day report</source>
        <translation>گزارش روزانهٔ کارزار</translation>
    </message>
    <message>
        <source>to</source>
        <translation>تا</translation>
    </message>
    <message>
        <source>months</source>
        <translation>ماه</translation>
    </message>
    <message>
        <source>Target ages</source>
        <translation>سن‌های هدف</translation>
    </message>
</context>
<context>
    <name>DoseDialog</name>
    <message>
        <source>Record a dose</source>
        <translation>ثبت نوبت واکسن</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>کارزار</translation>
    </message>
    <message>
        <source>Routine (not a campaign)</source>
        <translation>روتین (خارج از کارزار)</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>واکسن</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>منبع</translation>
    </message>
    <message>
        <source>Date given</source>
        <translation>تاریخ تزریق</translation>
    </message>
    <message>
        <source>Batch number</source>
        <translation>شمارهٔ سری ساخت</translation>
    </message>
    <message>
        <source>Expiry date</source>
        <translation>تاریخ انقضا</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>محل تزریق</translation>
    </message>
    <message>
        <source>Where given</source>
        <translation>محل دریافت</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>کشور</translation>
    </message>
    <message>
        <source>Given by (as on the card)</source>
        <translation>تزریق‌کننده (مطابق کارت)</translation>
    </message>
</context>
<context>
    <name>DueListView</name>
    <message>
        <source>Vaccinations due</source>
        <translation>واکسن‌های موعدرسیده</translation>
    </message>
    <message>
        <source>Defaulters only (overdue)</source>
        <translation>فقط عقب‌افتاده‌ها</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>نمایش</translation>
    </message>
    <message>
        <source>Facility</source>
        <translation>مرکز</translation>
    </message>
    <message>
        <source>Visit day</source>
        <translation>روز مراجعه</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>کد</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>نام</translation>
    </message>
    <message>
        <source>Father&apos;s name</source>
        <translation>نام پدر</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>تولد</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>موعد</translation>
    </message>
    <message>
        <source>%1 children</source>
        <translation>%1 کودک</translation>
    </message>
    <message>
        <source>Not yet seen at a facility</source>
        <translation>هنوز در هیچ مرکزی دیده نشده</translation>
    </message>
</context>
<context>
    <name>ImmunisationPanel</name>
    <message>
        <source>%1 wait until %2 (%3)</source>
        <translation>%1: تا %2 صبر کنید (%3)</translation>
    </message>
    <message>
        <source>%1 wait: %3 is not valid for this person</source>
        <translation>%1: صبر کنید؛ %3 برای این فرد معتبر نیست</translation>
    </message>
    <message>
        <source>Vaccinations</source>
        <translation>واکسیناسیون</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>واکسن</translation>
    </message>
    <message>
        <source>Doses counted</source>
        <translation>نوبت‌های شمرده‌شده</translation>
    </message>
    <message>
        <source>Next dose</source>
        <translation>نوبت بعدی</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>موعد</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>تاریخ</translation>
    </message>
    <message>
        <source>Dose</source>
        <translation>نوبت</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>منبع</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>سری ساخت</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>محل</translation>
    </message>
    <message>
        <source>Record a dose…</source>
        <translation>ثبت نوبت واکسن…</translation>
    </message>
    <message>
        <source>Print vaccination card</source>
        <translation>چاپ کارت واکسیناسیون</translation>
    </message>
    <message>
        <source>No birth date or year: the schedule cannot be worked out.</source>
        <translation>تاریخ یا سال تولد ثبت نشده است: جدول واکسن را نمی‌توان محاسبه کرد.</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>وضعیت: %1</translation>
    </message>
    <message>
        <source>next dose due %1</source>
        <translation>موعد نوبت بعدی %1</translation>
    </message>
    <message>
        <source>birth date estimated</source>
        <translation>تاریخ تولد تقریبی</translation>
    </message>
    <message>
        <source>Give today: %1</source>
        <translation>امروز بزنید: %1</translation>
    </message>
    <message>
        <source>date unknown</source>
        <translation>تاریخ نامعلوم</translation>
    </message>
    <message>
        <source>not counted (too early)</source>
        <translation>شمرده نشد (زودتر از موعد)</translation>
    </message>
    <message>
        <source>Adverse event…</source>
        <translation>پیامد نامطلوب…</translation>
    </message>
    <message>
        <source>An adverse event following immunisation: reported at once</source>
        <translation>پیامد نامطلوب پس از ایمن‌سازی: بی‌درنگ گزارش می‌شود</translation>
    </message>
    <message>
        <source>Adverse events: %1 (serious: %2)</source>
        <translation>پیامدهای نامطلوب: %1 (شدید: %2)</translation>
    </message>
</context>
<context>
    <name>TallyKeys</name>
    <message>
        <source>never vaccinated</source>
        <translation>بدون سابقهٔ واکسن</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <source>Given name (Persian)</source>
        <translation>نام (فارسی)</translation>
    </message>
    <message>
        <source>Given name (Latin)</source>
        <translation>نام (لاتین)</translation>
    </message>
    <message>
        <source>Father&apos;s name (Persian)</source>
        <translation>نام پدر (فارسی)</translation>
    </message>
    <message>
        <source>Father&apos;s name (Latin)</source>
        <translation>نام پدر (لاتین)</translation>
    </message>
    <message>
        <source>Family name (Persian)</source>
        <translation>نام خانوادگی (فارسی)</translation>
    </message>
    <message>
        <source>Family name (Latin)</source>
        <translation>نام خانوادگی (لاتین)</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>جنس</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>تاریخ تولد</translation>
    </message>
    <message>
        <source>Birth year</source>
        <translation>سال تولد</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>ملیت</translation>
    </message>
    <message>
        <source>Legal status</source>
        <translation>وضعیت اقامتی</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>تلفن</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>خانوار</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>یادداشت‌ها</translation>
    </message>
    <message>
        <source>Allergies</source>
        <translation>حساسیت‌ها</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>پرونده</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>فیلد</translation>
    </message>
    <message>
        <source>Value kept</source>
        <translation>مقدار نگه‌داشته</translation>
    </message>
    <message>
        <source>Value that lost</source>
        <translation>مقدار کنارگذاشته</translation>
    </message>
    <message>
        <source>Kept: when</source>
        <translation>زمان مقدار نگه‌داشته</translation>
    </message>
    <message>
        <source>Lost: when</source>
        <translation>زمان مقدار کنارگذاشته</translation>
    </message>
    <message>
        <source>Kept: by</source>
        <translation>سازندهٔ مقدار نگه‌داشته</translation>
    </message>
    <message>
        <source>Lost: by</source>
        <translation>سازندهٔ مقدار کنارگذاشته</translation>
    </message>
    <message>
        <source>an unknown person</source>
        <translation>نامعلوم</translation>
    </message>
    <message>
        <source>%1 on this laptop</source>
        <translation>کاربر %1 در همین رایانه</translation>
    </message>
    <message>
        <source>%1 on laptop %2</source>
        <translation>کاربر %1 در رایانهٔ %2</translation>
    </message>
    <message>
        <source>%1 on another laptop</source>
        <translation>کاربر %1 در رایانه‌ای دیگر</translation>
    </message>
    <message>
        <source>Keep the value kept</source>
        <translation>همین مقدار بماند</translation>
    </message>
    <message>
        <source>Restore the other value</source>
        <translation>مقدار دیگر برگردد</translation>
    </message>
    <message>
        <source>Conflicts to review: %1. Two laptops changed the same field; the later change was kept and the other is shown here.</source>
        <translation>ناسازگاری‌های نیازمند بررسی: %1. دو رایانه یک فیلد را تغییر دادند؛ تغییر دیرتر نگه داشته شد و دیگری اینجا نشان داده می‌شود.</translation>
    </message>
    <message>
        <source>No conflicts to review.</source>
        <translation>ناسازگاری‌ای برای بررسی نیست.</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>Open with the recovery key</source>
        <translation>باز کردن با کلید بازیابی</translation>
    </message>
    <message>
        <source>When every password is lost, the recovery key printed when this laptop was set up opens it. Type it, the unit administrator&apos;s user name and a new password for them.</source>
        <translation>وقتی همهٔ گذرواژه‌ها گم شده‌اند، کلید بازیابی‌ای که هنگام راه‌اندازی این رایانه چاپ شد آن را باز می‌کند. آن را، نام کاربری مدیر واحد و گذرواژهٔ تازه‌ای برای او وارد کنید.</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>کلید بازیابی</translation>
    </message>
    <message>
        <source>Administrator&apos;s user name</source>
        <translation>نام کاربری مدیر</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>گذرواژهٔ تازه</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>تکرار گذرواژهٔ تازه</translation>
    </message>
    <message>
        <source>Type the recovery key and the administrator&apos;s user name.</source>
        <translation>کلید بازیابی و نام کاربری مدیر را وارد کنید.</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>دو گذرواژهٔ تازه یکسان نیستند.</translation>
    </message>
    <message>
        <source>Opening with the recovery key…</source>
        <translation>در حال باز کردن با کلید بازیابی…</translation>
    </message>
    <message>
        <source>Done: sign in with the new password and reset the others&apos; passwords. The recovery key you typed no longer works; this is the new one, shown only now — write it down and keep it apart from the laptop:</source>
        <translation>انجام شد: با گذرواژهٔ تازه وارد شوید و گذرواژهٔ دیگران را از نو تعیین کنید. کلید بازیابی‌ای که وارد کردید دیگر کار نمی‌کند؛ این کلید تازه است و فقط همین حالا نشان داده می‌شود — آن را بنویسید و دور از رایانه نگه دارید:</translation>
    </message>
</context>
<context>
    <name>CasesPanel</name>
    <message>
        <source>Notifiable cases</source>
        <translation>موارد بیماری‌های واگیر گزارش‌دادنی</translation>
    </message>
    <message>
        <source>Seen</source>
        <translation>تاریخ مراجعه</translation>
    </message>
    <message>
        <source>Disease</source>
        <translation>بیماری</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>طبقه‌بندی</translation>
    </message>
    <message>
        <source>How it last moved</source>
        <translation>آخرین تغییر و علت آن</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>نتایج آزمایش</translation>
    </message>
    <message>
        <source>Investigation</source>
        <translation>بررسی مورد</translation>
    </message>
    <message>
        <source>Enter on a case: enter a test result for it</source>
        <translation>Enter روی یک مورد: ثبت نتیجهٔ آزمایش آن</translation>
    </message>
    <message>
        <source>Enter a test result…</source>
        <translation>ثبت نتیجهٔ آزمایش…</translation>
    </message>
    <message>
        <source>Enter a test result (%1)</source>
        <translation>ثبت نتیجهٔ آزمایش (%1)</translation>
    </message>
    <message>
        <source>Case investigation…</source>
        <translation>بررسی مورد…</translation>
    </message>
    <message>
        <source>Malaria: travel, origin and household contacts</source>
        <translation>مالاریا: سفر، منشأ ابتلا و تماس‌های خانوار</translation>
    </message>
    <message>
        <source>done</source>
        <translation>انجام شد</translation>
    </message>
    <message>
        <source>to do</source>
        <translation>انجام نشده</translation>
    </message>
    <message>
        <source>Test results…</source>
        <translation>نتایج آزمایش…</translation>
    </message>
    <message>
        <source>Enter a test result for this visit's notifiable cases (%1)</source>
        <translation>ثبت نتیجهٔ آزمایش برای موارد گزارش‌دادنی این مراجعه (%1)</translation>
    </message>
    <message>
        <source>This visit records no notifiable disease, so it has no test result to enter.</source>
        <translation>در این مراجعه بیماری گزارش‌دادنی ثبت نشده است، پس نتیجهٔ آزمایشی برای ثبت ندارد.</translation>
    </message>
</context>
<context>
    <name>InvestigationDialog</name>
    <message>
        <source>e.g. Afghanistan</source>
        <translation>مثلاً افغانستان</translation>
    </message>
    <message>
        <source>e.g. Nimruz</source>
        <translation>مثلاً نیمروز</translation>
    </message>
    <message>
        <source>Place %1: country</source>
        <translation>مکان %1: کشور</translation>
    </message>
    <message>
        <source>Place %1: province or district</source>
        <translation>مکان %1: ولایت یا شهرستان</translation>
    </message>
    <message>
        <source>Place %1: arrived</source>
        <translation>مکان %1: تاریخ رسیدن</translation>
    </message>
    <message>
        <source>Place %1: left</source>
        <translation>مکان %1: تاریخ ترک</translation>
    </message>
    <message>
        <source>Malaria case investigation</source>
        <translation>بررسی مورد مالاریا</translation>
    </message>
    <message>
        <source>Not known yet</source>
        <translation>هنوز معلوم نیست</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>بله</translation>
    </message>
    <message>
        <source>No</source>
        <translation>خیر</translation>
    </message>
    <message>
        <source>Investigated on</source>
        <translation>تاریخ بررسی</translation>
    </message>
    <message>
        <source>Travelled in the 30 days before onset</source>
        <translation>سفر در ۳۰ روز پیش از شروع بیماری</translation>
    </message>
    <message>
        <source>Places visited</source>
        <translation>مکان‌هایی که رفته است</translation>
    </message>
    <message>
        <source>Add a place (Alt+A)</source>
        <translation>افزودن مکان (Alt+A)</translation>
    </message>
    <message>
        <source>Where the infection was acquired</source>
        <translation>منشأ ابتلا</translation>
    </message>
    <message>
        <source>Household contacts tested</source>
        <translation>تماس‌های خانوار آزمایش‌شده</translation>
    </message>
    <message>
        <source>Household contacts positive</source>
        <translation>تماس‌های خانوار مثبت</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>یادداشت</translation>
    </message>
    <message>
        <source>Save investigation</source>
        <translation>ذخیرهٔ بررسی</translation>
    </message>
    <message>
        <source>Save investigation (Ctrl+S)</source>
        <translation>ذخیرهٔ بررسی (Ctrl+S)</translation>
    </message>
    <message>
        <source>Investigated on %1. Saving again stores a corrected version.</source>
        <translation>در %1 بررسی شده است. ذخیرهٔ دوباره، نسخهٔ اصلاح‌شده‌ای نگه می‌دارد.</translation>
    </message>
    <message>
        <source>write a whole number, e.g. 4.</source>
        <translation>یک عدد صحیح بنویسید، مثلاً ۴.</translation>
    </message>
    <message>
        <source>enter the day of the investigation.</source>
        <translation>روز بررسی را وارد کنید.</translation>
    </message>
    <message>
        <source>write the country visited.</source>
        <translation>کشوری را که رفته است بنویسید.</translation>
    </message>
    <message>
        <source>cannot be before the arrival.</source>
        <translation>نمی‌تواند پیش از تاریخ رسیدن باشد.</translation>
    </message>
    <message>
        <source>Saving the investigation…</source>
        <translation>در حال ذخیرهٔ بررسی…</translation>
    </message>
    <message>
        <source>Investigation saved (%1).</source>
        <translation>بررسی ذخیره شد (%1).</translation>
    </message>
</context>
<context>
    <name>Surveillance</name>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>recorded at the visit</source>
        <translation>در مراجعه ثبت شد</translation>
    </message>
    <message>
        <source>reclassified</source>
        <translation>طبقه‌بندی دوباره</translation>
    </message>
    <message>
        <source>diagnosis corrected: %1</source>
        <translation>تشخیص اصلاح شد: %1</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1: %2 ← %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Not saved: one field needs attention.</source>
        <translation>ذخیره نشد: یک خانه نیاز به اصلاح دارد.</translation>
    </message>
    <message>
        <source>Not saved: %1 fields need attention.</source>
        <translation>ذخیره نشد: %1 خانه نیاز به اصلاح دارند.</translation>
    </message>
</context>
<context>
    <name>TestResultDialog</name>
    <message>
        <source>Test result</source>
        <translation>نتیجهٔ آزمایش</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— انتخاب کنید —</translation>
    </message>
    <message>
        <source>e.g. Zabol health centre laboratory</source>
        <translation>مثلاً آزمایشگاه مرکز بهداشت زابل</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>مورد</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>آزمایش</translation>
    </message>
    <message>
        <source>Result type (species)</source>
        <translation>نوع نتیجه (گونه)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>نتیجه</translation>
    </message>
    <message>
        <source>Sample taken on</source>
        <translation>تاریخ نمونه‌گیری</translation>
    </message>
    <message>
        <source>Result date</source>
        <translation>تاریخ جواب</translation>
    </message>
    <message>
        <source>Laboratory or facility</source>
        <translation>آزمایشگاه یا مرکز</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>یادداشت</translation>
    </message>
    <message>
        <source>What it did</source>
        <translation>اثر بر طبقه‌بندی</translation>
    </message>
    <message>
        <source>Results recorded for this case</source>
        <translation>نتایج ثبت‌شده برای این مورد</translation>
    </message>
    <message>
        <source>Save result</source>
        <translation>ذخیرهٔ نتیجه</translation>
    </message>
    <message>
        <source>Save result (Ctrl+S)</source>
        <translation>ذخیرهٔ نتیجه (Ctrl+S)</translation>
    </message>
    <message>
        <source>— not given —</source>
        <translation>— گزارش نشده —</translation>
    </message>
    <message>
        <source>This visit has no notifiable case, so there is no result to enter.</source>
        <translation>این مراجعه مورد گزارش‌دادنی ندارد، پس نتیجه‌ای برای ثبت نیست.</translation>
    </message>
    <message>
        <source>Now %1</source>
        <translation>اکنون %1</translation>
    </message>
    <message>
        <source>No test on the disease list decides this disease; reclassify the case instead.</source>
        <translation>هیچ آزمایشی در فهرست بیماری‌ها دربارهٔ این بیماری تصمیم نمی‌گیرد؛ به‌جای آن طبقه‌بندی مورد را تغییر دهید.</translation>
    </message>
    <message>
        <source>no change</source>
        <translation>بدون تغییر</translation>
    </message>
    <message>
        <source>choose positive, negative or indeterminate.</source>
        <translation>مثبت، منفی یا نامشخص را انتخاب کنید.</translation>
    </message>
    <message>
        <source>enter the day the result came.</source>
        <translation>روزی را که جواب رسید وارد کنید.</translation>
    </message>
    <message>
        <source>Saving the result…</source>
        <translation>در حال ذخیرهٔ نتیجه…</translation>
    </message>
    <message>
        <source>Result saved. %1</source>
        <translation>نتیجه ذخیره شد. %1</translation>
    </message>
    <message>
        <source>Result saved. %1 stays %2: this result does not change it.</source>
        <translation>نتیجه ذخیره شد. %1 همچنان %2 است: این نتیجه آن را تغییر نمی‌دهد.</translation>
    </message>
</context>
<context>
    <name>AdverseEventDialog</name>
    <message>
        <source>Adverse event following immunisation</source>
        <translation>پیامد نامطلوب پس از ایمن‌سازی</translation>
    </message>
    <message>
        <source>Earlier adverse events of this person:</source>
        <translation>پیامدهای نامطلوب پیشین این فرد:</translation>
    </message>
    <message>
        <source>Onset</source>
        <translation>شروع</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>واکسن</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>عارضه</translation>
    </message>
    <message>
        <source>Serious</source>
        <translation>شدید</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>پیامد</translation>
    </message>
    <message>
        <source>Not a dose recorded here</source>
        <translation>نوبتی که اینجا ثبت نشده است</translation>
    </message>
    <message>
        <source>e.g. fever 39.5, swelling at the injection site</source>
        <translation>مثلاً تب ۳۹٫۵، تورم محل تزریق</translation>
    </message>
    <message>
        <source>Serious (admitted, life-threatening, disability or death)</source>
        <translation>شدید (بستری، تهدیدکنندهٔ زندگی، ناتوانی یا مرگ)</translation>
    </message>
    <message>
        <source>After the dose</source>
        <translation>پس از نوبت</translation>
    </message>
    <message>
        <source>Onset date</source>
        <translation>تاریخ شروع</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>بله</translation>
    </message>
    <message>
        <source>no</source>
        <translation>خیر</translation>
    </message>
</context>
<context>
    <name>UnusualVitals</name>
    <message>
        <source>Not saved: check the unusual readings.</source>
        <translation>ذخیره نشد: اندازه‌های غیرمعمول را بررسی کنید.</translation>
    </message>
    <message>
        <source>&amp;Check again</source>
        <translation>دوباره &amp;بسنج</translation>
    </message>
    <message>
        <source>Save &amp;anyway (unusual but true)</source>
        <translation>با این حال &amp;ذخیره کن (غیرمعمول ولی درست)</translation>
    </message>
    <message>
        <source>These readings are unusual:

%1

Check them with the patient. If they are right, save anyway: the visit is marked as checked and confirmed.</source>
        <translation>این اندازه‌ها غیرمعمول‌اند:

%1

آن‌ها را دوباره روی بیمار بسنجید. اگر درست‌اند، با این حال ذخیره کنید: مراجعه با نشان «بررسی و تأیید شد» ذخیره می‌شود.</translation>
    </message>
    <message>
        <source>Unusual readings</source>
        <translation>اندازه‌های غیرمعمول</translation>
    </message>
    <message>
        <source>%1: %2 (usual %3)</source>
        <translation>%1: %2 (معمول %3)</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>Files of type:</source>
        <translation>نوع پرونده‌ها:</translation>
    </message>
    <message>
        <source>Look in:</source>
        <translation>در پوشهٔ:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>&amp;نوع پرونده‌ها:</translation>
    </message>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;در پوشهٔ:</translation>
    </message>
</context>
<context>
    <name>ReclassifyDialog</name>
    <message>
        <source>Reclassify…</source>
        <translation>طبقه‌بندی دوباره…</translation>
    </message>
    <message>
        <source>Reclassify the selected case: confirmed, discarded… with a reason (%1)</source>
        <translation>طبقه‌بندی دوبارهٔ مورد انتخاب‌شده: قطعی، رد شده… با ذکر دلیل (%1)</translation>
    </message>
    <message>
        <source>Reclassify case</source>
        <translation>طبقه‌بندی دوبارهٔ مورد</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— انتخاب کنید —</translation>
    </message>
    <message>
        <source>e.g. RDT and blood film negative</source>
        <translation>مثلاً آزمایش سریع و لام خون منفی</translation>
    </message>
    <message>
        <source>New classification</source>
        <translation>طبقه‌بندی جدید</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>دلیل</translation>
    </message>
    <message>
        <source>When</source>
        <translation>زمان</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>توسط</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>طبقه‌بندی</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>دلیل</translation>
    </message>
    <message>
        <source>How this case moved</source>
        <translation>سیر طبقه‌بندی این مورد</translation>
    </message>
    <message>
        <source>Save classification</source>
        <translation>ذخیرهٔ طبقه‌بندی</translation>
    </message>
    <message>
        <source>Save classification (Ctrl+S)</source>
        <translation>ذخیرهٔ طبقه‌بندی (Ctrl+S)</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 ← %2</translation>
    </message>
    <message>
        <source>choose the case's new classification.</source>
        <translation>طبقه‌بندی جدید مورد را انتخاب کنید.</translation>
    </message>
    <message>
        <source>say why the case is reclassified.</source>
        <translation>بنویسید چرا مورد دوباره طبقه‌بندی می‌شود.</translation>
    </message>
    <message>
        <source>Saving the classification…</source>
        <translation>در حال ذخیرهٔ طبقه‌بندی…</translation>
    </message>
</context>
<context>
    <name>LookupDialog</name>
    <message>
        <source>Look up a patient at headquarters</source>
        <translation>جست‌وجوی بیمار در ستاد</translation>
    </message>
    <message>
        <source>For a patient registered by another unit: give the code on the patient's card or the number on the referral slip, and say why you need the record.</source>
        <translation>برای بیماری که واحد دیگری ثبت کرده است: کد روی کارت بیمار یا شمارهٔ روی برگهٔ ارجاع را بنویسید و بگویید چرا پرونده را لازم دارید.</translation>
    </message>
    <message>
        <source>e.g. ZAH1-00042</source>
        <translation>مثلاً ZAH1-00042</translation>
    </message>
    <message>
        <source>e.g. moved to our area; referred to us without a slip</source>
        <translation>مثلاً به منطقهٔ ما آمده است؛ بدون برگه به ما ارجاع شده است</translation>
    </message>
    <message>
        <source>Patient code</source>
        <translation>کد بیمار</translation>
    </message>
    <message>
        <source>or referral number</source>
        <translation>یا شمارهٔ ارجاع</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>دلیل (لازم)</translation>
    </message>
    <message>
        <source>Headquarters records this request: your name, this laptop, the patient and the reason.</source>
        <translation>ستاد این درخواست را ثبت می‌کند: نام شما، این رایانه، بیمار و دلیل.</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>جست‌وجو</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>انصراف</translation>
    </message>
    <message>
        <source>Asking headquarters…</source>
        <translation>در حال پرسیدن از ستاد…</translation>
    </message>
    <message>
        <source>Look up at headquarters…</source>
        <translation>جست‌وجو در ستاد…</translation>
    </message>
    <message>
        <source>A patient of another unit: fetch the record from headquarters, with a reason (%1)</source>
        <translation>بیمار واحدی دیگر: پرونده را با ذکر دلیل از ستاد بگیرید (%1)</translation>
    </message>
    <message>
        <source>No patient on this laptop matches. Registered by another unit? Look up at headquarters (%1).</source>
        <translation>هیچ بیماری در این رایانه پیدا نشد. واحد دیگری ثبت کرده است؟ در ستاد جست‌وجو کنید (%1).</translation>
    </message>
</context>
<context>
    <name>VisitImmunisation</name>
    <message>
        <source>Record a dose…</source>
        <translation>ثبت نوبت واکسن…</translation>
    </message>
    <message>
        <source>Record a vaccine dose for this person (%1)</source>
        <translation>ثبت نوبت واکسن برای این فرد (%1)</translation>
    </message>
    <message>
        <source>Overdue: %1</source>
        <translation>عقب‌افتاده: %1</translation>
    </message>
</context>
</TS>
