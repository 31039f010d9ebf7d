## Layout
app-name = كوريدور
skip-to-content = الانتقال إلى المحتوى الرئيسي
nav-label = القائمة الرئيسية
nav-home = الصفحة الرئيسية
nav-audit = سجل التدقيق
nav-users = المستخدمون
nav-organizations = المنظمات
nav-account = حسابك
sign-out = تسجيل الخروج
footer-text = يسجّل كوريدور العوائق التي تعترض الوصول الإنساني. تعامل مع ما تراه هنا وفق درجة حساسيته.
choose = اختر…
any = الكل
save = حفظ التغييرات
filters = عوامل التصفية
apply-filters = تطبيق عوامل التصفية
clear-filters = مسح عوامل التصفية
date-from = من
date-to = إلى
hint-date = مثلاً 2026-03-21
older-events = أحداث أقدم
back-to-users = العودة إلى المستخدمين
back-to-organizations = العودة إلى المنظمات
back-to-audit = العودة إلى سجل التدقيق

## Roles and organisation types
role-reporter = مُبلِّغ
role-coordinator = منسّق
role-auditor = مدقّق
role-admin = مسؤول النظام
org-type-un-agency = وكالة تابعة للأمم المتحدة
org-type-international-ngo = منظمة غير حكومية دولية
org-type-national-ngo = منظمة غير حكومية وطنية
org-type-red-cross = الصليب الأحمر / الهلال الأحمر
org-type-authority = جهة رسمية
org-type-other = أخرى

## Forms
form-error-summary = توجد مشكلة
form-error-prefix = خطأ:
field-required = أدخل { $what }.
field-too-long = اختصر { $what }: النص طويل جداً.
field-control-characters = احذف أحرف التحكم غير المرئية من { $what }.
field-username = اسم المستخدم
hint-username = من 3 إلى 64 حرفاً: أحرف لاتينية صغيرة أو أرقام أو نقاط أو شرطات أو شرطات سفلية.
field-password = كلمة المرور
field-current-password = كلمة المرور الحالية
field-new-password = كلمة المرور الجديدة
hint-new-password = 12 حرفاً على الأقل. بضع كلمات لا رابط بينها تصنع كلمة مرور قوية يسهل تذكّرها.
field-temporary-password = كلمة مرور مؤقتة
hint-temporary-password = 12 حرفاً على الأقل. سلّمها إلى الشخص على انفراد؛ وعليه أن يختار كلمة مروره الخاصة عند أول تسجيل دخول.
field-password-confirm = أعد كتابة كلمة المرور
field-display-name = الاسم الكامل
hint-display-name = كما يعرفه الزملاء؛ اختياري.
field-organization = المنظمة
field-role = الدور
hint-role = يسجّل المبلّغون باسم منظمتهم؛ ويتحقق المنسّقون ويعدّون التقارير؛ ويطّلع المدقّقون على كل شيء دون تغيير أي شيء؛ ويدير مسؤولو النظام الحسابات.
field-org-name = اسم المنظمة
hint-org-name = الاسم الكامل، مثلاً منظمة الصحة العالمية.
field-org-acronym = الاسم المختصر
hint-org-acronym = اختياري، مثلاً WHO.
field-org-type = نوع المنظمة
username-length = أدخل اسم مستخدم من 3 إلى 64 حرفاً.
username-characters = استخدم في اسم المستخدم الأحرف اللاتينية الصغيرة والأرقام والنقاط والشرطات والشرطات السفلية فقط.
username-taken = اسم المستخدم هذا مستخدم من قبل: اختر اسماً آخر.
role-invalid = اختر أحد الأدوار المعروضة.
org-type-invalid = اختر أحد أنواع المنظمات المعروضة.
org-invalid = اختر إحدى المنظمات المعروضة.
org-name-taken = توجد منظمة بهذا الاسم من قبل.
password-too-short = أدخل كلمة مرور من 12 حرفاً على الأقل.
password-too-long = أدخل كلمة مرور من 256 حرفاً على الأكثر.
password-mismatch = كلمتا المرور غير متطابقتين: اكتبهما مرة أخرى.
password-common = كلمة المرور هذه سهلة التخمين (شائعة، أو قريبة من كلمة شائعة أو من اسمك). اختر غيرها.
password-current-wrong = كلمة مرورك الحالية غير صحيحة.
password-same-as-current = اختر كلمة مرور مختلفة عن كلمتك الحالية.

## Sign-in
login-title = تسجيل الدخول
login-submit = تسجيل الدخول
login-failed = تعذّر تسجيل دخولك. تحقّق من اسم المستخدم وكلمة المرور. بعد عدة محاولات فاشلة يُعلَّق تسجيل الدخول لبعض الوقت.
login-signed-out = لقد سجّلت الخروج.
login-help = نسيت كلمة المرور؟ اطلب من أحد مسؤولي النظام في منظمتك إعادة تعيينها.

## First start
setup-title = إعداد كوريدور
setup-intro = لا يوجد أي حساب بعد. أنشئ منظمتك وحساب أول مسؤول للنظام. يعمل هذا الرابط مرة واحدة.
setup-org-legend = منظمتك
setup-admin-legend = حساب مسؤول النظام (حسابك)
setup-submit = إنشاء مسؤول النظام
setup-link-invalid = لا يمكن استخدام رابط الإعداد هذا: فقد استُخدم من قبل، أو انتهت صلاحيته، أو يوجد حساب بالفعل. نفّذ الأمر `corridor user add` على الخادم، أو أعد تشغيله للحصول على رابط جديد.

## Home
home-title = الصفحة الرئيسية
home-welcome = أهلاً بك، { $name }
home-signed-in-as = أنت مسجّل الدخول بصفة { $role } في { $org }.
home-users-text = إنشاء الحسابات وتغيير الأدوار وتعطيل الحسابات وإعادة تعيين كلمات المرور.
home-orgs-text = المنظمات المشاركة والعاملون فيها.
home-audit-text = من فعل ماذا ومتى، والتحقق من أن شيئاً في السجل لم يُعدَّل.
home-account-text = تغيير كلمة مرورك ولغتك.

## Account
password-title = تغيير كلمة المرور
password-submit = تغيير كلمة المرور
password-changed = تم تغيير كلمة مرورك. وتم تسجيل خروجك من جميع الأماكن الأخرى.
password-must-change = اختر كلمة مرور جديدة قبل المتابعة: فقد عيّن مسؤول النظام كلمة مرورك.

## Administration
admin-user-new = إضافة مستخدم
admin-user-create = إضافة المستخدم
admin-status = الحالة
admin-active = نشط
admin-disabled = معطّل
admin-locked = تسجيل الدخول مقفل بعد محاولات فاشلة
admin-must-change = يجب تغيير كلمة المرور
admin-account-actions = الحساب
admin-disable = تعطيل الحساب
admin-enable = تفعيل الحساب
admin-unlock = إلغاء قفل تسجيل الدخول
admin-reset-password = إعادة تعيين كلمة المرور
admin-reset-password-hint = يعيّن كلمة مرور مؤقتة ويسجّل خروج الشخص من كل مكان؛ ويختار كلمته الخاصة عند تسجيل الدخول التالي.
admin-user-saved = تم حفظ التغييرات.
admin-user-disabled = تم تعطيل الحساب: وتم تسجيل خروج الشخص من كل مكان.
admin-user-enabled = تم تفعيل الحساب.
admin-user-password-reset = تمت إعادة تعيين كلمة المرور: تم تسجيل خروج الشخص وعليه اختيار كلمة مرور جديدة عند تسجيل الدخول التالي.
admin-user-unlocked = تم إلغاء قفل تسجيل الدخول.
admin-cannot-demote-self = لا يمكنك إزالة دور مسؤول النظام عن نفسك.
admin-cannot-disable-self = لا يمكنك تعطيل حسابك.
admin-org-new = إضافة منظمة
admin-org-edit = تعديل المنظمة
admin-org-users = المستخدمون

## Audit trail
audit-chain-title = سلامة السجل
audit-head = { $count ->
    [zero] لم يُسجَّل أي حدث.
    [one] سُجِّل حدث واحد.
    [two] سُجِّل حدثان.
    [few] سُجِّلت { $count } أحداث.
    [many] سُجِّل { $count } حدثاً.
   *[other] سُجِّل { $count } حدث.
}
audit-head-hash = بصمة رأس السلسلة:
audit-verify-now = التحقق من السلسلة كاملة الآن
audit-chain-intact = تم التحقق من السلسلة: جميع الأحداث ({ $checked }) سليمة ومرتّبة.
audit-chain-broken = السلسلة منقطعة عند الحدث { $id } (تم التحقق من { $checked } حدثاً قبله):
audit-break-gap = حدث سابق له مفقود.
audit-break-altered = عُدِّل محتواه بعد كتابته.
audit-break-unlinked = لا يتبع الحدث السابق له (حُذف حدث أو أُدرج أو أُعيد ترتيبه).
audit-break-head = لا تنتهي السلسلة عند الرأس المسجَّل (حُذفت أحداث من نهايتها أو أُضيفت إليها).
audit-date-invalid = أدخل التواريخ بصيغة سنة-شهر-يوم، مثلاً 2026-03-21.
audit-actor = مَن
audit-action = الإجراء
audit-entity = السجل
audit-entity-type = نوع السجل
audit-entity-id = رقم السجل
audit-time = متى
audit-client = عنوان العميل
audit-none = لا توجد أحداث مطابقة لعوامل التصفية هذه.
audit-event-title = حدث التدقيق { $id }
audit-prev-hash = البصمة السابقة
audit-hash = البصمة
audit-details = ما الذي تغيّر

## Errors
error-status = الحالة { $status }
error-go-home = الانتقال إلى الصفحة الرئيسية
error-400-title = تعذّر فهم الطلب
error-400-text = ثمة خلل في الطلب. ارجع وحاول مرة أخرى.
error-403-title = لا يمكنك القيام بهذا
error-403-text = لا يسمح دورك بذلك. إن كنت بحاجة إليه فاطلبه من منسّق أو من مسؤول النظام.
error-404-title = الصفحة غير موجودة
error-404-text = لا يوجد شيء على هذا العنوان. تحقّق منه، أو ابدأ من جديد من الصفحة الرئيسية.
error-405-title = غير مسموح هنا
error-405-text = لا يقبل هذا العنوان هذا النوع من الطلبات.
error-413-title = البيانات كثيرة جداً
error-413-text = ما أُرسل كبير جداً. اختصر النص وحاول مرة أخرى.
error-500-title = حدث خطأ ما
error-500-text = تعذّر على كوريدور إتمام هذه العملية. لم يُحفظ أي شيء. حاول مرة أخرى؛ وإن تكرر ذلك فأبلغ مسؤول النظام بوقت حدوثه.
error-503-title = كوريدور غير متاح
error-503-text = يتعذّر الوصول إلى قاعدة البيانات حالياً، لذا لم يُحفظ أي شيء. انتظر دقيقة وحاول مرة أخرى.
error-csrf-text = انتهت صلاحية هذا النموذج أو لم يصدر عن كوريدور، لذا لم يُحفظ أي شيء. ارجع وأعد تحميل الصفحة ثم أرسل النموذج مرة أخرى.
error-login-required = سجّل الدخول للمتابعة.
error-form-unreadable = تعذّرت قراءة النموذج (قد يحتوي على رموز ليست نصاً). ارجع وحاول مرة أخرى.

## Vocabulary: access categories (OCHA access monitoring framework)
pillar-people-to-aid = وصول المحتاجين إلى المساعدات
pillar-aid-to-people = وصول الجهات الفاعلة الإنسانية إلى المحتاجين
pillar-security = القيود الأمنية والمادية
cat-denial-of-needs = إنكار الاحتياجات أو الاستحقاقات
cat-restricted-services = تقييد الوصول إلى الخدمات والمساعدات
cat-entry-impediments = عوائق دخول البلد
cat-movement-restriction = تقييد الحركة داخل البلد
cat-interference = التدخل في الأنشطة الإنسانية
cat-violence-against-aid = العنف ضد العاملين في المجال الإنساني ومرافقهم وأصولهم
cat-hostilities = الأعمال العدائية الجارية أو انعدام الأمن
cat-explosive-hazards = الألغام الأرضية والعبوات الناسفة والذخائر غير المنفجرة
cat-physical-environment = القيود المادية (التضاريس، الطقس، البنية التحتية)

## Vocabulary: attacks on health care (WHO SSA)
attack-psychological = العنف النفسي
attack-removal-assets = الاستيلاء على أصول الرعاية الصحية
attack-removal-people = اقتياد العاملين الصحيين أو المرضى
attack-fire = إضرام النار
attack-sexual-assault = الاعتداء الجنسي
attack-heavy-weapons = العنف بالأسلحة الثقيلة
attack-individual-weapons = العنف بالأسلحة الفردية
attack-detention = الخطف أو الاعتقال أو الاحتجاز
attack-armed-search = التفتيش المسلح أو العنيف
attack-assault = الاعتداء الجسدي
attack-chemical = عامل كيميائي
attack-militarization = عسكرة مرفق صحي
attack-obstruction = عرقلة تقديم الرعاية الصحية
resource-facility = مرفق صحي
resource-transport = وسيلة نقل صحي
resource-personnel = العاملون الصحيون
resource-supplies = الإمدادات الصحية
resource-warehouse = مستودع
resource-patients = المرضى
resource-other = أخرى

## Vocabulary: perpetrators, sources, grading
perp-state-forces = قوات حكومية
perp-nsag = جماعة مسلحة من غير الدول
perp-militia = ميليشيا
perp-criminal = جهة إجرامية
perp-unknown = مجهول
perp-other = أخرى
source-own-staff = موظفو المنظمة
source-partner = منظمة شريكة
source-monitor = راصد
source-media = وسائل الإعلام
source-authorities = السلطات
source-armed-group = جماعة مسلحة
source-community = أحد أفراد المجتمع المحلي
reliability-a = A – موثوق تماماً
reliability-b = B – موثوق عادةً
reliability-c = C – موثوق إلى حد ما
reliability-d = D – غير موثوق عادةً
reliability-e = E – غير موثوق
reliability-f = F – لا يمكن الحكم على موثوقيته
credibility-1 = 1 – أكّدتها مصادر أخرى
credibility-2 = 2 – صحيحة على الأرجح
credibility-3 = 3 – قد تكون صحيحة
credibility-4 = 4 – مشكوك فيها
credibility-5 = 5 – غير مرجّحة
credibility-6 = 6 – لا يمكن الحكم على صحتها
verification-unverified = لم يُتحقَّق منه
verification-corroborated = معزَّز بمصادر مستقلة
verification-confirmed = مؤكَّد
verification-disputed = متنازع عليه
sensitivity-public = عام
sensitivity-restricted = مقيَّد
sensitivity-confidential = سرّي
status-draft = مسودة
status-submitted = مُقدَّم
status-closed = مغلق
time-precision-day = اليوم بالضبط
time-precision-week = خلال الأسبوع
time-precision-month = خلال الشهر
location-precision-exact = في هذا المكان
location-precision-near = قرب هذا المكان
location-precision-region = في مكان ما ضمن هذه المنطقة
category-invalid = اختر إحدى الفئات المعروضة.
attack-type-invalid = اختر أنواع الهجمات من القائمة فقط.
resource-invalid = اختر عناصر من القائمة فقط.
perpetrator-invalid = اختر أحد أنواع الجهات المرتكبة المعروضة.
source-type-invalid = اختر أحد أنواع المصادر المعروضة.
reliability-invalid = اختر درجة موثوقية من A إلى F.
credibility-invalid = اختر درجة مصداقية من 1 إلى 6.
verification-invalid = اختر إحدى حالات التحقق المعروضة.
sensitivity-invalid = اختر إحدى درجات الحساسية المعروضة.
status-invalid = اختر إحدى الحالات المعروضة.
time-precision-invalid = حدّد مدى دقة معرفة التاريخ.
location-precision-invalid = حدّد مدى دقة معرفة المكان.
field-choose = اختر { $what }.

## Values typed into forms
date-required = أدخل { $what }.
date-invalid = أدخل { $what } تاريخاً صحيحاً بصيغة سنة-شهر-يوم، مثلاً 2018-02-20.
date-future = أدخل { $what }: التاريخ المُدخل في المستقبل.
date-too-early = أدخل { $what } في عام 1990 أو بعده.
time-invalid = أدخل { $what } بالساعات والدقائق، مثلاً 14:30.
count-negative = أدخل { $what } صفراً أو أكثر: لا يمكن أن يكون العدد سالباً.
count-invalid = أدخل { $what } عدداً صحيحاً، مثلاً 12.
count-too-large = تحقّق من { $what }: هذا العدد كبير جداً.
number-zero = أدخل { $what } عدداً أكبر من الصفر.
coordinate-invalid = أدخل { $what } بالدرجات العشرية مع نقطة، مثلاً 33.5711.
coordinate-out-of-range = خط العرض بين -90 و90، وخط الطول بين -180 و180.
coordinates-both = أدخل خط العرض وخط الطول معاً، أو اتركهما كليهما.

## Incidents
nav-incidents = الحوادث
incident-new-title = تسجيل حادثة
incident-edit-title = تعديل الحادثة
incident-edit = تعديل هذه الحادثة
incident-save-new = حفظ الحادثة
incident-created = تم تسجيل الحادثة.
incident-saved = تم حفظ التغييرات.
incident-claim-added = تمت إضافة الإفادة.
incident-verification-set = تم تغيير حالة التحقق.
incident-retracted = تم سحب الحادثة. وتبقى في السجل، موسومة، مع السبب الذي ذكرته.
incident-retracted-tag = مسحوبة
incident-retracted-banner = سُحبت هذه الحادثة. وهي محفوظة للسجل ومستبعدة من التقارير.
back-to-incidents = العودة إلى الحوادث
back-to-incident = العودة إلى الحادثة
section-what = ما الذي حدث
section-health = إذا تعرّضت الرعاية الصحية لهجوم
section-when = متى
section-where = أين
section-who = من ارتكبها، ومن تضرّر
section-counts = الأشخاص المتضررون
section-first-claim = المصدر
section-handling = التعامل
section-claims = الإفادات
section-history = السجل التاريخي
field-reference = المرجع
field-title = العنوان
hint-title = ملخص قصير يقتصر على الوقائع، مثلاً «احتجاز قافلة منظمة الصحة العالمية عند حاجز على مدخل دوما».
field-narrative = ما الذي حدث
hint-narrative = الوقائع كما أُبلغ عنها: ماذا وأين ومن، وعبارات المصدر نفسه للأرقام («أكثر من ألف»).
narrative-required = صِف ما الذي حدث.
field-category = قيد الوصول
hint-category = القيد الرئيسي كما يعرّفه إطار رصد الوصول. اختر واحداً.
field-attack-types = نوع الهجوم على الرعاية الصحية
hint-attack-types = نظام منظمة الصحة العالمية لترصّد الهجمات على الرعاية الصحية. اختر كل ما ينطبق.
field-resources = موارد الرعاية الصحية المتضررة
field-occurred-on = تاريخ الوقوع
hint-date-format = سنة-شهر-يوم، مثلاً 2018-02-20.
field-time-precision = ما مدى دقة معرفة التاريخ؟
field-occurred-time = الوقت
hint-occurred-time = اختياري، بنظام 24 ساعة وبالتوقيت المحلي، مثلاً 14:30.
field-reported-on = تاريخ الإبلاغ
hint-reported-on = متى علمت منظمتك بالأمر أول مرة.
reported-before-occurred = لا يمكن أن يسبق تاريخ الإبلاغ تاريخ الوقوع.
field-location = المكان
hint-location = ابدأ بكتابة اسم المكان؛ تعمل الكتابات الأخرى للاسم أيضاً (دوما، Douma، Duma).
location-required = أدخل مكان الوقوع، أو أضف مكاناً جديداً أدناه.
location-unknown = لا يُعرف أي مكان بهذا الاسم: اختر مكاناً من الاقتراحات، أو أضفه مكاناً جديداً أدناه.
location-ambiguous = توجد عدة أماكن بهذا الاسم: اختر من الاقتراحات المكان الذي يقع في المنطقة الصحيحة.
new-place-summary = المكان غير موجود في القائمة: أضف مكاناً جديداً
new-place-hint = فقط إذا لم يكن المكان معروفاً بكتابة أخرى لاسمه.
field-place-name = اسم المكان
field-place-alt-names = كتابات أخرى للاسم
hint-place-alt-names = واحدة في كل سطر، مثلاً Duma وDouma.
field-admin1 = المحافظة (المستوى الإداري 1)
field-admin2 = المنطقة (المستوى الإداري 2)
field-pcode = الرمز المكاني
hint-pcode = رمز المكان لدى أوتشا، إن كان معروفاً.
field-latitude = خط العرض
hint-latitude = بالدرجات العشرية، مثلاً 33.5711. اتركه فارغاً إن لم تكن متأكداً.
field-longitude = خط الطول
hint-longitude = بالدرجات العشرية، مثلاً 36.4028.
field-location-precision = ما مدى دقة معرفة المكان؟
field-perpetrator-type = الجهة المرتكبة
hint-perpetrator-type = اختر «مجهول» إذا لم تُحدَّد أي جهة.
field-perpetrator-name = اسم الجهة
hint-perpetrator-name = اختياري: الجماعة أو الوحدة كما يسمّيها المصدر.
hint-counts = اترك فارغاً ما لم يُبلَّغ عنه. أدخل الرقم الأكثر تحفظاً الذي تذكره المصادر؛ واحتفظ بعباراتها في السرد.
count-civilians-killed = المدنيون القتلى
count-civilians-injured = المدنيون الجرحى
count-aid-killed-national = العاملون في المجال الإنساني القتلى (وطنيون)
count-aid-killed-international = العاملون في المجال الإنساني القتلى (دوليون)
count-aid-injured-national = العاملون في المجال الإنساني الجرحى (وطنيون)
count-aid-injured-international = العاملون في المجال الإنساني الجرحى (دوليون)
count-aid-kidnapped-national = العاملون في المجال الإنساني المخطوفون (وطنيون)
count-aid-kidnapped-international = العاملون في المجال الإنساني المخطوفون (دوليون)
count-aid-detained-national = العاملون في المجال الإنساني المحتجزون (وطنيون)
count-aid-detained-international = العاملون في المجال الإنساني المحتجزون (دوليون)
count-people-affected = الأشخاص المحرومون من المساعدات
not-reported = لم يُبلَّغ عنه
hint-first-claim = من أخبرك، وما الذي قاله بالضبط. يمكنك لاحقاً إضافة إفادات أخرى، بما فيها الإفادات المتعارضة.
field-sensitivity = درجة الحساسية
hint-sensitivity = عام: يجوز أن يظهر في التقارير العامة. مقيَّد: لجميع المستخدمين المسجّلين من المنظمات المشاركة. سرّي: لمنظمتك والمنسّقين والمدقّقين فقط.
field-status = الحالة
hint-status = تُحال السجلات المقدَّمة إلى المنسّقين للتحقق منها؛ وتبقى المسودات لدى منظمتك.
status-transition-invalid = لا يمكن إجراء تغيير الحالة هذا على هذا السجل.
field-source-type = المصدر
field-source-name = اسم المصدر
hint-source-name = اختياري وسرّي: لا يظهر إلا لمنظمتك والمنسّقين والمدقّقين.
field-reliability = موثوقية المصدر
hint-reliability = مدى موثوقية هذا المصدر فيما سبق (من A إلى F).
field-credibility = مصداقية المعلومة
hint-credibility = مدى احتمال صحة هذه المعلومة (من 1 إلى 6).
field-claim-date = تاريخ الإفادة
field-statement = ما قاله المصدر
hint-statement = بكلمات المصدر نفسه قدر الإمكان.
claim-statement-required = أدخل ما قاله المصدر.
claims-intro = تحتفظ كل إفادة بمصدرها وتقييمها. وتُعرض الإفادات المتعارضة جنباً إلى جنب.
source-withheld = المصدر محجوب
claim-add = إضافة إفادة
field-verification = التحقق
hint-verification = معزَّز بمصادر مستقلة: تدعمه مصادر مستقلة. مؤكَّد: ثابت بما لا يدع مجالاً معقولاً للشك. متنازع عليه: تختلف مصادر موثوقة بشأنه.
field-reason = السبب
hint-verification-reason = مطلوب: ما الذي يستند إليه القرار. ويُحفظ في السجل التاريخي.
reason-required = اذكر { $what }: فهو يُحفظ في السجل التاريخي.
verification-change = تغيير حالة التحقق
verification-save = حفظ حالة التحقق
retract = سحب هذه الحادثة
retract-hint = السحب لا يعني الحذف: يبقى السجل موسوماً بأنه مسحوب، مع السبب الذي تذكره، للمدقّقين وللسجل التاريخي. ويُستبعد من التقارير.
hint-retraction-reason = مطلوب: لماذا يُسحب السجل (مثلاً: تكرار لسجل آخر، أو ثبت أنه غير صحيح).
history-title = السجل التاريخي لـ
history-full = عرض السجل التاريخي كاملاً
history-field = الحقل
history-before = قبل
history-after = بعد
history-withheld = محجوب
history-revision-withheld = لم يكن السجل مرئياً لك في هذه المرحلة: تفاصيله محجوبة.
field-shared = مُتاح لجميع المنظمات
records-hidden-claims = { $count ->
    [zero] لا توجد إفادات سجّلتها منظمات لا يمكنك رؤية تقاريرها.
    [one] إفادة واحدة سجّلتها منظمة لا يمكنك رؤية تقريرها.
    [two] إفادتان سجّلتهما منظمات لا يمكنك رؤية تقاريرها.
    [few] { $count } إفادات سجّلتها منظمات لا يمكنك رؤية تقاريرها.
   *[other] { $count } إفادة سجّلتها منظمات لا يمكنك رؤية تقاريرها.
}
records-hidden-linked = { $count ->
    [zero] لا توجد سجلات مرتبطة لا يمكنك رؤيتها.
    [one] سجل مرتبط واحد لا يمكنك رؤيته.
    [two] سجلان مرتبطان لا يمكنك رؤيتهما.
    [few] { $count } سجلات مرتبطة لا يمكنك رؤيتها.
    [many] { $count } سجلاً مرتبطاً لا يمكنك رؤيتها.
   *[other] { $count } سجل مرتبط لا يمكنك رؤيتها.
}
records-merged-into-hidden = دُمج هذا السجل في سجل لا يمكنك رؤيته.
incident-exists-hidden = توجد حادثة مسجّلة لهذا الحدث في سجل لا يمكنك رؤيته.
delivery-unit-mismatch = اختر احتياجاً يُحسب بوحدة سطر الشحنة هذا نفسها
delivery-item-mismatch = اختر احتياجاً لنوع الإمدادات نفسه الذي في سطر الشحنة هذا
revision-number = المراجعة
revision-create = سُجِّل
revision-edit = عُدِّل
revision-claim = أُضيفت إفادة
revision-verification = تغيّرت حالة التحقق
revision-retraction = سُحب
revision-other = عُدِّل
conflict-title = عدّل شخص آخر هذه الحادثة أثناء تعديلك لها
conflict-text = لم يضع شيء مما كتبته، ولم يُحفظ شيء بعد.
conflict-field = الحقل
conflict-yours = نسختك
conflict-saved = النسخة المحفوظة
conflict-no-field-differs = لم يمسّ التغيير الآخر الحقول التي عدّلتها (مثلاً تغيّرت حالة التحقق).
conflict-next = راجع النموذج أدناه، وهو يحتوي على نسختك. احفظه ليحلّ محل النسخة المحفوظة، أو ارجع إلى الحادثة للإبقاء على نسختهم.
filters-ignored = تعذّر فهم عوامل التصفية هذه فتم تجاهلها:
search-label = بحث
search-hint = كلمات كاملة من العنوان أو السرد أو المكان (بأي كتابة) أو المرجع؛ البحث عن «قوافل» يجد «قافلة» أيضاً. ضع * بعد بداية كلمة لتجد كل الكلمات التي تبدأ بها (حرس*).
sort-label = الترتيب
sort-occurred-desc = الأحدث أولاً
sort-recorded-desc = الأحدث تسجيلاً
sort-occurred-asc = الأقدم أولاً
sort-reported-desc = الأحدث إبلاغاً
sort-updated-desc = الأحدث تعديلاً
incidents-found-more = تطابق أكثر من { $count } حادثة. أضف كلمات أو عوامل تصفية لتضييق البحث.
incidents-found = { $count ->
    [zero] لا توجد حوادث
    [one] حادثة واحدة
    [two] حادثتان
    [few] { $shown } حوادث
   *[other] { $shown } حادثة
}
page-of = الصفحة { $page } من { $pages }
incidents-none = لا توجد حوادث مطابقة لعوامل التصفية هذه.
pagination = الصفحات
page-previous = الصفحة السابقة
page-next = الصفحة التالية
home-recent-records = أحدث سجلات منظمتك
home-queue = بانتظار التحقق (الأقدم أولاً)
home-drafts = مسودات منظمتك
home-recent-changes = التغييرات الأخيرة
home-nothing = لا شيء هنا بعد.
field-retracted = مسحوبة
field-claim = الإفادة
yes = نعم
no = لا

## Vocabulary: convoys and needs
convoy-planned = مخطَّط لها
convoy-notified = أُخطرت بها السلطات
convoy-approved = تمت الموافقة عليها
convoy-en-route = في الطريق
convoy-delivered = سُلِّمت
convoy-partially-delivered = سُلِّمت جزئياً
convoy-blocked = مُنعت من المرور
convoy-turned-back = أُعيدت أدراجها
convoy-cancelled = أُلغيت
convoy-status-invalid = اختر إحدى الحالات المعروضة.
sector-health = الصحة
sector-food = الأمن الغذائي
sector-nutrition = التغذية
sector-wash = المياه والصرف الصحي والنظافة
sector-shelter = المأوى والمواد غير الغذائية
sector-protection = الحماية
sector-education = التعليم
sector-logistics = اللوجستيات
sector-other = أخرى
sector-invalid = اختر أحد القطاعات المعروضة.
facility-hospital = مستشفى
facility-field-hospital = مستشفى ميداني
facility-health-centre = مركز رعاية صحية أولية
facility-medical-point = نقطة طبية
facility-mobile-clinic = عيادة متنقلة
facility-warehouse = مستودع طبي
facility-other = أخرى
facility-type-invalid = اختر أحد أنواع المرافق المعروضة.
item-trauma-kits = حقائب علاج الإصابات
item-surgical-supplies = مستلزمات جراحية
item-medicines = أدوية
item-blood-products = منتجات الدم
item-oxygen = أكسجين
item-generator-fuel = وقود للمولّدات
item-dialysis = مستلزمات غسيل الكلى
item-insulin = إنسولين
item-anaesthetics = أدوية التخدير
item-other = أخرى
need-item-invalid = اختر أحد الأصناف المعروضة.
urgency-critical = حرجة: أرواح في خطر خلال 24 ساعة
urgency-high = عالية
urgency-medium = متوسطة
urgency-low = منخفضة
urgency-invalid = اختر إحدى درجات الأولوية المعروضة.
need-open = قائم
need-partially-met = مُلبّى جزئياً
need-met = مُلبّى
need-cancelled = ملغى
need-status-invalid = اختر إحدى الحالات المعروضة.
decimal-invalid = أدخل { $what } عدداً يساوي الصفر أو أكثر، مثلاً 1250.5.
cargo-required = أدخل سطراً واحداً على الأقل من الشحنة.
cargo-too-many = يمكن أن تضم القافلة 60 سطراً من الشحنة على الأكثر: ادمج بعض الأسطر.
place-required = أدخل المكان.
place-unknown = لا يُعرف أي مكان بهذا الاسم: اختر مكاناً من الاقتراحات.
convoy-transition-invalid = لا يمكن أن تنتقل القافلة إلى هذه الحالة من حالتها الحالية.
delivered-more-than-loaded = لا يمكن أن يصل أكثر مما حُمِّل.
removed-more-than-loaded = لا يمكن أن يتجاوز مجموع ما سُلِّم وما صودر ما حُمِّل.
delivered-not-all = لم يصل هذا السطر كاملاً: اختر «سُلِّمت جزئياً» بدلاً من ذلك.
delivered-needs-delivery-status = الكميات المسلَّمة تأتي مع الحالة «سُلِّمت» أو «سُلِّمت جزئياً».
need-invalid = اختر أحد الاحتياجات المعروضة.
delivery-nothing-arrived = لم يُسجَّل بعد تسليم أي شيء من سطر الشحنة هذا.
delivery-more-than-available = هذا أكثر مما وصل من هذا السطر ولم يُخصَّص بعد لاحتياجات أخرى.
need-cancelled-no-delivery = هذا الاحتياج ملغى: لا يمكن تخصيص عمليات تسليم له.
revision-event = تغيّرت الحالة
revision-link = رُبطت حادثة
revision-delivery = سُجِّل تسليم
field-participants = المنظمات المشاركة
field-origin = من
field-destination = إلى
field-planned-departure = موعد الانطلاق المخطَّط
field-route = المسار
field-trucks = الشاحنات
field-beneficiaries = الأشخاص المستهدفون
field-notification-ref = مرجع الإخطار
field-notes = ملاحظات
field-cargo = الشحنة
field-event = الحدث
field-incident = الحادثة
field-facility-name = المرفق
field-facility-type = نوع المرفق
field-item = الصنف
field-item-detail = تفاصيل الصنف
field-quantity-needed = الكمية المطلوبة
field-quantity-delivered = الكمية المسلَّمة
field-unit = الوحدة
field-urgency = درجة الأولوية
field-needed-by = مطلوب قبل
incident-reference-unknown = لا توجد حادثة مرئية لك بهذا المرجع: تحقّق منه (مثلاً INC-2018-000012).
convoy-created = تم تسجيل القافلة.
convoy-saved = تم حفظ التغييرات.
convoy-event-recorded = تم تسجيل الحدث.
convoy-delivery-recorded = تم تخصيص التسليم للاحتياج.
convoy-incident-linked = تم ربط الحادثة.
nav-convoys = القوافل
back = العودة إلى
back-to-convoys = العودة إلى القوافل
convoy-new-title = تسجيل قافلة
convoy-edit-title = تعديل القافلة
convoy-edit = تعديل هذه القافلة
convoy-save-new = حفظ القافلة
conflict-title-record = عدّل شخص آخر هذا السجل أثناء تعديلك له
conflict-next-record = يحتوي النموذج أدناه على نسختك. قارنها بالسجل المحفوظ (افتحه في علامة تبويب أخرى)، ثم احفظ مرة أخرى لتحلّ نسختك محله، أو غادر للإبقاء على نسختهم.
section-route = المسار والتوقيت
hint-route = الطرق والحواجز والمعابر المخطَّط لها، بالترتيب.
hint-beneficiaries = الأشخاص الذين يُراد أن تصل إليهم الشحنة.
hint-notification-ref = مرجع الإخطار الموجّه إلى السلطات، إن وُجد.
hint-participants = المنظمات الأخرى المشاركة؛ تسجّل منظمتك القافلة.
field-sector = القطاع
field-quantity = الكمية
field-weight = الوزن (كغ)
remove = إزالة
add-rows = إضافة أسطر
hint-cargo = سطر لكل صنف. اترك الأسطر غير المستخدمة فارغة؛ ضع علامة على «إزالة» لحذف سطر، ثم احفظ أو أضف أسطراً.
cargo-locked = انطلقت القافلة: لم يعد ممكناً تعديل شحنتها هنا. سجّل ما وصل عبر تغيير الحالة.
cargo-loaded = المحمَّل
cargo-delivered = الواصل
cargo-removed = المُصادَر في الطريق
cargo-left = { $count } { $unit } لم تُخصَّص بعد لاحتياج
convoy-timeline = التسلسل الزمني
convoy-event-add = تسجيل تغيير في الحالة
convoy-new-status = الحالة الجديدة
hint-convoy-status = لا تُعرض إلا التغييرات الممكنة من الحالة الحالية.
field-event-date = التاريخ
field-event-place = المكان
hint-event-place = أين حدث ذلك، مثلاً عند حاجز؛ اختياري.
field-event-note = ما الذي حدث
hint-event-note = مثلاً: «احتُجزت عند الحاجز 9 ساعات؛ وصودرت مواد طبية».
convoy-outcome-legend = الشحنة: ما وصل وما صودر
hint-convoy-outcome = في حالات التسليم، أدخل ما وصل من كل سطر (الفراغ يعني الكل عند التسليم الكامل). وأدخل كل ما صودر في الطريق، أياً كانت الحالة.
field-removal-note = من صادرها وأين
convoy-event-save = حفظ تغيير الحالة
convoy-offer-title = تسجيل هذه العرقلة حادثةً
convoy-offer-text = القافلة الممنوعة من المرور أو المُعادة أدراجها أو المسلَّمة جزئياً حادثةُ وصول. سجّلها مرة واحدة مرتبطة بهذه القافلة: يأتي النموذج معبّأً مسبقاً.
convoy-offer-button = تسجيل الحادثة
convoy-offer-link-hint = هل سُجّلت من قبل؟ اربط الحادثة الموجودة أدناه بدلاً من ذلك.
convoy-incidents = الحوادث
convoy-no-incidents = لا توجد حادثة مرتبطة بهذه القافلة.
convoy-link-incident = ربط حادثة موجودة
field-incident-reference = مرجع الحادثة
hint-incident-reference = مثلاً INC-2018-000012.
convoy-needs-served = الاحتياجات التي لُبّيت
convoy-no-deliveries = لم يُخصَّص أي تسليم لاحتياج بعد.
convoy-delivery-add = تخصيص الشحنة المسلَّمة لاحتياج
field-cargo-line = سطر الشحنة
field-need = الاحتياج
hint-delivery-need = الاحتياجات القائمة؛ تأتي أولاً تلك الموجودة في وجهة القافلة.
convoy-delivery-save = تسجيل التسليم
convoys-found = { $count ->
    [zero] لا توجد قوافل
    [one] قافلة واحدة
    [two] قافلتان
    [few] { $shown } قوافل
   *[other] { $shown } قافلة
}
convoys-none = لا توجد قوافل مطابقة لعوامل التصفية هذه.
nav-needs = الاحتياجات الطبية
back-to-needs = العودة إلى الاحتياجات
need-new-title = تسجيل احتياج من الإمدادات الطبية
need-edit-title = تعديل الاحتياج
need-edit = تعديل هذا الاحتياج
need-save-new = حفظ الاحتياج
need-created = تم تسجيل الاحتياج.
need-saved = تم حفظ التغييرات.
need-cancel = هذا الاحتياج ملغى (لم تعد هناك حاجة إليه)
hint-need-delivered = لا تُكتب الكمية المسلَّمة ولا الحالة: فهما تنتجان عن عمليات تسليم القوافل المخصَّصة لهذا الاحتياج.
hint-facility-name = مثلاً «مستشفى دوما الجراحي».
hint-item-detail = مثلاً اسم الدواء أو زمرة الدم.
hint-unit = مثلاً حقائب، صناديق، لترات، وحدات.
hint-needed-by = التاريخ الذي يصبح بعده الأوان قد فات؛ اختياري.
need-outstanding = ما زال مطلوباً
need-overdue = متأخر
need-percent-met = لُبّي { $percent }%
need-deliveries = القوافل التي نقلت إمدادات لهذا الاحتياج
need-no-deliveries = لم يُخصَّص أي تسليم لهذا الاحتياج بعد.
needs-order = الاحتياجات الحرجة أولاً، ثم التي فات موعدها، ثم البقية حسب درجة الأولوية.
needs-found = { $count ->
    [zero] لا توجد احتياجات
    [one] احتياج واحد
    [two] احتياجان
    [few] { $shown } احتياجات
    [many] { $shown } احتياجاً
   *[other] { $shown } احتياج
}
needs-none = لا توجد احتياجات مطابقة لعوامل التصفية هذه.
incident-convoys = القوافل المتضررة
incident-exists-for-event = حدث القافلة هذا مسجّل من قبل بوصفه هذه الحادثة.
home-convoys-moving = القوافل التي في الطريق أو الممنوعة حالياً
home-critical-needs = الاحتياجات الحرجة التي ما زالت قائمة
home-overdue-needs = الاحتياجات التي فات موعدها
error-408-title = استغرق الطلب وقتاً طويلاً
error-408-text = استغرق وصول النموذج وقتاً طويلاً، لذا لم يُحفظ أي شيء. تحقّق من اتصالك وأرسله مرة أخرى.
export-download = تنزيل:
export-csv = CSV
export-csv-hxl = CSV مع وسوم HXL
export-json = JSON
export-scope = (كل السجلات المطابقة لعوامل التصفية هذه، وليس هذه الصفحة فقط)

## Reports
nav-reports = التقارير
report-form-title = تقرير الوضع
report-form-intro = اختر الفترة والمنطقة والجمهور. يحتفظ عنوان التقرير بكل خياراتك كي يمكن إعداده مجدداً لاحقاً، وتحمل كل صفحة منه بصمة لبياناته.
hint-report-categories = لا تضع علامة على أي فئة لتشمل كل الفئات.
field-audience = الجمهور
audience-internal = داخلي: كل ما يُسمح لك برؤيته
audience-public = عام: السجلات العامة فقط، أعداد فقط، دون مصادر أو أماكن دقيقة أو أسماء مرافق أو سرد
report-make = إعداد التقرير
report-audience-invalid = اختر داخلياً أو عاماً.
report-period-reversed = لا يمكن أن تسبق نهاية الفترة بدايتها.
report-period-too-long = يغطي التقرير خمس سنوات على الأكثر: اختصر الفترة.
report-title = تقرير الوضع
report-change-parameters = تغيير المعايير
report-data-as-of = البيانات حتى
report-generated-by = أعدّه
report-records = { $count ->
    [zero] لم يُدرج أي سجل
    [one] أُدرج سجل واحد
    [two] أُدرج سجلان
    [few] أُدرجت { $count } سجلات
    [many] أُدرج { $count } سجلاً
   *[other] أُدرج { $count } سجل
}
report-period = الفترة
report-area = المنطقة
report-all = الكل
report-marking = درجة الحساسية
report-headline = الأرقام الرئيسية
report-fig-incidents = حوادث
report-fig-killed = قتلى من المدنيين
report-fig-injured = جرحى من المدنيين
report-fig-aid = عاملون في المجال الإنساني قُتلوا أو جُرحوا أو خُطفوا أو احتُجزوا
report-fig-affected = أشخاص حُرموا من المساعدات
report-by-category = الحوادث حسب قيد الوصول
report-by-week = الحوادث في كل أسبوع
report-places = الأماكن الأكثر تضرراً
report-convoys = القوافل
report-convoys-total = القوافل المخطَّط لانطلاقها خلال الفترة
report-convoys-planned = لم تنطلق بعد (مخطَّط لها، أُخطرت بها السلطات، تمت الموافقة عليها)
report-beneficiaries = الأشخاص الذين وصلت إليهم المساعدات من بين المستهدفين
report-removed = الشحنات المصادَرة في الطريق
report-none = لا شيء.
report-critical-needs = الاحتياجات الطبية الحرجة التي ما زالت قائمة
report-key-incidents = أبرز الحوادث
report-grading = تقييم المصادر
report-public-counts-only = لا يقدّم هذا التقرير العام سوى الأعداد: تُدرج الحوادث الفردية في التقارير الداخلية.
report-method = المنهجية والتحفظات
report-method-1 = الأرقام كما أبلغت عنها المصادر المذكورة في كل سجل، وليست إحصاءات مستقلة. وحيث أعطت المصادر نطاقاً أو كلمة («عشرات»، «مئات») سُجّل الرقم الأكثر تحفظاً (12، 100) واحتُفظ بالعبارة في السرد.
report-method-2 = التحقق: تستند السجلات التي لم يُتحقَّق منها إلى مصدر واحد؛ والسجلات المعزَّزة تدعمها مصادر مستقلة؛ والسجلات المؤكَّدة ثابتة بما لا يدع مجالاً معقولاً للشك؛ والسجلات المتنازع عليها لها مصادر موثوقة متعارضة. ويتبع تقييم المصادر نظام الأميرالية: الموثوقية من A (موثوق تماماً) إلى F (لا يمكن الحكم)، والمصداقية من 1 (مؤكَّدة) إلى 6 (لا يمكن الحكم).
report-method-3 = تُستبعد السجلات المسحوبة والمسودات. تُحسب الحوادث بتاريخ وقوعها، والقوافل بموعد انطلاقها المخطَّط. ولا تشمل أرقام المكان إلا الحوادث المسجّلة في ذلك المكان.
report-method-4 = البصمة المطبوعة على كل صفحة هي قيمة SHA-256 لبيانات هذا التقرير؛ ويستطيع النظام إعادة حسابها للمعايير والبيانات نفسها لإثبات أن النسخة المطبوعة لم تُعدَّل.
report-method-public = النسخة العامة: تُحجب هويات المصادر والأماكن والإحداثيات الدقيقة وأسماء المرافق والسرد.

# Merging duplicates
merge = الدمج في سجل آخر
merge-hint = إذا كان هذا السجل يروي الحدث نفسه الذي يرويه سجل آخر، فادمجه في السجل الذي سيُحتفظ به. يبقى هذا السجل موسوماً بأنه مكرَّر، للسجل التاريخي وللمدقّقين؛ وتنتقل إفاداته وروابطه بالقوافل إلى السجل المحتفظ به؛ وتحسب التقارير الحدث مرة واحدة. لا تُجمع الأرقام: عدّل السجل المحتفظ به إن كان هذا السجل يضيف إليها.
field-merge-into = مرجع السجل الذي سيُحتفظ به
hint-merge-into = مثلاً INC-2026-000123 (يظهر أعلى صفحة ذلك السجل).
hint-merge-reason = لماذا يروي هذان السجلان الحدث نفسه. يُحفظ في السجل التاريخي لكليهما.
merge-into-required = أدخل مرجع السجل الذي سيُحتفظ به.
merge-into-unknown = لا يوجد سجل مرئي لك بهذا المرجع. تحقّق منه في صفحة ذلك السجل.
merge-into-itself = لا يمكن دمج سجل في نفسه: أدخل مرجع السجل الآخر.
merge-into-closed = ذلك السجل مسحوب أو مدموج هو نفسه في سجل آخر: ادمج في السجل المحتفظ به.
incident-merged = دُمج السجل المكرَّر في هذا السجل. وتظهر إفاداته هنا الآن.
incident-merged-tag = مكرَّر مدموج
incident-merged-banner = هذا السجل مكرَّر. وقد دُمج في
incident-merged-why = إفاداته وروابطه بالقوافل موجودة الآن في ذلك السجل؛ ويبيّن السجل التاريخي أدناه السبب. وتحسب التقارير الحدث مرة واحدة، هناك.
incident-duplicates = السجلات المكرَّرة المدموجة في هذا السجل:
claim-merged-from = سُجّلت أولاً على السجل المكرَّر
revision-merge = دُمج في سجل آخر
revision-duplicate = دُمج سجل مكرَّر فيه
field-merged-into = مدموج في
field-duplicate = مكرَّر
field-claims-moved = الإفادات المنقولة إلى هنا
field-claims = الإفادات

## Tamper evidence and sign-in under pressure
audit-break-before-first = رقمه يسبق الحدث الأول (أُدرج إدراجاً).
audit-signing-title = نقاط التحقق الموقَّعة
audit-public-key = المفتاح العام (Ed25519) الذي يوقّع نقاط التحقق:
audit-latest-checkpoint = آخر نقطة تحقق: { $events } حدثاً، بصمة الرأس { $hash }، وُقّعت في { $time } بالتوقيت العالمي.
audit-no-checkpoint = لم تُوقَّع أي نقطة تحقق بعد.
audit-verify-auditor = للتحقق من نسخة من قاعدة البيانات بالمفتاح العام وحده:
audit-checks-title = جميع عمليات التحقق
audit-check-ok = سليم
audit-check-failed = فاشل
audit-all-intact = جميع عمليات التحقق سليمة: السجل ونقاط التحقق الموقَّعة والمراجعات والسجلات والحسابات.
login-busy = يجري التحقق من عدد كبير من عمليات تسجيل الدخول في هذه اللحظة. حاول مرة أخرى بعد بضع ثوانٍ.
password-locked = كلمات مرور خاطئة كثيرة: عُلّق تغيير كلمة المرور لبعض الوقت. حاول لاحقاً.
report-audit-signed = سجل التدقيق موقَّع بالمفتاح
report-audit-checkpoint = آخر نقطة تحقق { $events } حدثاً، { $time } بالتوقيت العالمي، الرأس

## Language, dates, and the audit trail in words
language-title = اللغة
field-language = لغة الصفحات
hint-language = «حسب متصفحي» يتبع إعدادات اللغة في متصفحك. ويمكن أن تُعرض الأرقام في العربية بالأرقام الغربية (0123456789) أو بالأرقام الهندية (٠١٢٣٤٥٦٧٨٩).
language-automatic = حسب متصفحي
language-save = حفظ اللغة
language-saved = تم حفظ لغتك.
language-invalid = اختر إحدى اللغات المعروضة.
month-1 = كانون الثاني
month-2 = شباط
month-3 = آذار
month-4 = نيسان
month-5 = أيار
month-6 = حزيران
month-7 = تموز
month-8 = آب
month-9 = أيلول
month-10 = تشرين الأول
month-11 = تشرين الثاني
month-12 = كانون الأول
month-short-1 = كانون الثاني
month-short-2 = شباط
month-short-3 = آذار
month-short-4 = نيسان
month-short-5 = أيار
month-short-6 = حزيران
month-short-7 = تموز
month-short-8 = آب
month-short-9 = أيلول
month-short-10 = تشرين الأول
month-short-11 = تشرين الثاني
month-short-12 = كانون الأول
audit-action-auth-login = تسجيل دخول
audit-action-auth-login-failed = فشل تسجيل الدخول
audit-action-auth-logout = تسجيل خروج
audit-action-auth-password-check-failed = كلمة المرور الحالية خاطئة عند محاولة تغييرها
audit-action-convoy-create = تسجيل قافلة
audit-action-convoy-update = تعديل قافلة
audit-action-convoy-event = تسجيل تغيير في حالة قافلة
audit-action-convoy-link-incident = ربط حادثة بقافلة
audit-action-export-convoys = تصدير القوافل
audit-action-export-csv = تصدير السجلات
audit-action-export-incidents = تصدير الحوادث
audit-action-export-needs = تصدير الاحتياجات
audit-action-incident-create = تسجيل حادثة
audit-action-incident-update = تعديل حادثة
audit-action-incident-claim-add = إضافة إفادة
audit-action-incident-verify = تغيير حالة التحقق
audit-action-incident-retract = سحب حادثة
audit-action-incident-merge = دمج سجل مكرَّر في سجل آخر
audit-action-incident-duplicate-merged = دمج سجل مكرَّر في هذا السجل
audit-action-location-create = إضافة مكان
audit-action-location-share = مشاركة مكان
audit-action-need-create = تسجيل احتياج
audit-action-need-update = تعديل احتياج
audit-action-need-delivery = تخصيص تسليم لاحتياج
audit-action-organization-create = إضافة منظمة
audit-action-organization-update = تعديل منظمة
audit-action-report-situation = إعداد تقرير وضع
audit-action-session-end = انتهاء جلسة
audit-action-session-end-all = إنهاء جميع جلسات حساب
audit-action-setup-link-issued = إصدار رابط الإعداد
audit-action-user-create = إضافة مستخدم
audit-action-user-update = تعديل مستخدم
audit-action-user-disable = تعطيل حساب
audit-action-user-enable = تفعيل حساب
audit-action-user-unlock = إلغاء قفل تسجيل الدخول
audit-action-user-password-change = تغيير كلمة المرور
audit-action-user-password-reset = إعادة تعيين كلمة المرور من قبل مسؤول النظام
audit-action-user-language-change = تغيير اللغة
audit-action-demo-load = تحميل بيانات العرض التوضيحي
audit-action-demo-synthetic-batch = إضافة بيانات عرض توضيحي اصطناعية
audit-entity-convoy = قافلة
audit-entity-demo = عرض توضيحي
audit-entity-export = تصدير
audit-entity-incident = حادثة
audit-entity-location = مكان
audit-entity-need = احتياج
audit-entity-organization = منظمة
audit-entity-report = تقرير
audit-entity-revision = مراجعة
audit-entity-session = جلسة
audit-entity-setup = إعداد
audit-entity-user = مستخدم
print-page-of = صفحة { $page } من { $pages }
audit-action-revision-record = تسجيل مراجعة في السجل التاريخي
audit-action-revision-seal = ختم المراجعات (بصمة لمجموعة منها)
## Evidence files
evidence-title = ملفات الأدلة
evidence-back = العودة إلى
evidence-files-link = ملفات الأدلة (صور، رسائل، تسجيلات)
evidence-custody-hint = يُحفظ كل ملف تحت بصمة SHA-256 الخاصة به، وتُسجَّل هذه البصمة في سجل التدقيق عند إضافته. ولا تُعدَّل الملفات أبداً: يبقى الملف المسحوب متاحاً للمدقّقين؛ ولا يزيل محتواه إلا المحو النهائي الذي يجريه مسؤول النظام، وتبقى بصمته.
evidence-bundle = تنزيل حزمة الأدلة (الملفات، وبيان المحتويات، ونقطة التحقق الموقَّعة)
evidence-none = لا توجد ملفات أدلة بعد.
evidence-hidden = { $count ->
    [zero] لا توجد ملفات لا يمكنك رؤيتها
    [one] ملف واحد لا يمكنك رؤيته
    [two] ملفان لا يمكنك رؤيتهما
    [few] { $count } ملفات لا يمكنك رؤيتها
    [many] { $count } ملفاً لا يمكنك رؤيتها
   *[other] { $count } ملف لا يمكنك رؤيتها
}
evidence-purged-tag = مُحي نهائياً: أُزيل محتوى الملف، وتبقى البصمة
evidence-retracted-tag = مسحوب
evidence-made-on-claimed = (حسب ما ذكره من رفع الملف؛ لم يُتحقَّق منه)
evidence-attached-to = يخصّ
evidence-added-by = أضافه
evidence-purge-reason = سبب المحو النهائي
evidence-retract = سحب هذا الملف
evidence-retract-hint = السحب يُخفي الملف عن الجميع باستثناء المنسّقين والمدقّقين. ولا يعني الحذف: يبقى الملف موسوماً، مع السبب الذي تذكره، في السجل التاريخي.
evidence-add = إضافة ملفات أدلة
evidence-sensitivity-as-record = مثل السجل
evidence-choose-again = حُفظت مدخلاتك الأخرى؛ اختر الملفات مرة أخرى.
evidence-upload = رفع
evidence-uploaded = أُضيفت الملفات؛ وبصماتها مسجَّلة في سجل التدقيق.
evidence-retracted = سُحب الملف. ويبقى موسوماً، مع السبب الذي ذكرته.
evidence-purged = أُزيل محتوى الملف. وتبقى بصمته وحجمه ونوعه والسبب في السجل وفي سجل التدقيق.
evidence-purge-title = المحو النهائي لملف دليل
evidence-purge-hint = يزيل المحو النهائي محتوى الملف لسبب قانوني أو أمني، ولا يمكن التراجع عنه. تبقى بصمة الملف وحجمه ونوعه، ويُسجَّل المحو في سجل التدقيق مع السبب الذي تذكره.
evidence-purge = محو محتوى الملف نهائياً
evidence-file-number = الملف
evidence-record = السجل
evidence-type = النوع والحجم
evidence-file-required = اختر ملفاً واحداً على الأقل.
evidence-file-too-large = هذا الملف أكبر من الحد المذكور أعلاه؛ ولم يُحفظ.
evidence-file-empty = هذا الملف فارغ.
evidence-file-type-refused = هذا النوع من الملفات غير مقبول (فُحص محتوى الملف لا اسمه). المقبول: الصور، وملفات PDF، والتسجيلات الصوتية، ومقاطع الفيديو، والمستندات المكتبية.
evidence-part-invalid = اختر إفادة أو حدثاً من هذا السجل.
evidence-already-retracted = سبق أن سُحب هذا الملف أو مُحي نهائياً.
evidence-already-purged = سبق أن مُحي محتوى هذا الملف نهائياً.
field-caption = تعليق توضيحي
hint-caption = ما تُظهره الملفات، ومن أعدّها (اختياري).
field-made-on = تاريخ الإنشاء
hint-made-on = متى التُقطت الصورة أو كُتبت الرسالة أو أُجري التسجيل، إن كان معروفاً (مثلاً 2018-02-26).
field-files = الملفات
hint-files = صور أو ملفات PDF أو تسجيلات صوتية أو مقاطع فيديو أو مستندات مكتبية؛ ويمكن اختيار عدة ملفات معاً. ولا يجوز أن يتجاوز حجم كل ملف { $limit }.
hint-purge-reason = مطلوب: السبب القانوني أو الأمني لإزالة محتوى الملف.
revision-evidence = أُضيف ملف دليل
revision-evidence-retraction = سُحب ملف دليل
revision-evidence-purge = مُحي ملف دليل نهائياً
field-evidence-file = ملف دليل
field-evidence-retracted = ملف دليل مسحوب
field-evidence-purged = ملف دليل ممحوّ نهائياً
## API tokens and the read API's documentation page
nav-api-tokens = رموز الوصول إلى الواجهة البرمجية
api-tokens-intro = تقرأ أنظمة الشركاء بيانات كوريدور عبر واجهته البرمجية (API) باستخدام رمز وصول. ولا يقرأ كل رمز إلا ما يسمح به نطاقه، وبما لا يتجاوز معدّله، إلى أن تنتهي صلاحيته أو يُبطَل.
api-docs-link = كيف تعمل الواجهة البرمجية
field-api-token-name = الاسم
hint-api-token-name = النظام الذي سيستخدمه، مثلاً «لوحة متابعة الوصول لدى أوتشا».
field-api-token-scope = النطاق
hint-api-token-scope = عام: ما يعرضه التقرير العام. شريك: ما يراه مبلّغ من المنظمة. داخلي: ما يراه المنسّق.
api-scope-public = عام
api-scope-partner = شريك
api-scope-internal = داخلي
api-scope-invalid = اختر عاماً أو شريكاً أو داخلياً.
field-api-token-expires = تنتهي صلاحيته في
hint-api-token-expires = بعد سنة من اليوم على الأكثر.
api-token-expiry-range = اختر يوماً بعد اليوم، لا يتجاوز سنة من الآن.
field-api-token-rate = عدد الطلبات في الدقيقة
hint-api-token-rate = يُرَدّ على الطلبات الزائدة على ذلك بالحالة 429 (طلبات كثيرة جداً).
api-token-rate-invalid = أدخل عدداً صحيحاً من 1 إلى 100000.
api-token-last-used = آخر استخدام
api-token-never-used = لم يُستخدم قط
api-token-revoked = مُبطَل
api-token-expired = منتهي الصلاحية
api-token-revoke = إبطال
api-token-issue = إصدار رمز وصول
api-token-issued = صدر رمز الوصول
api-token-shown-once = انسخ رمز الوصول هذا الآن وسلّمه إلى الشريك بطريقة آمنة: فهو لا يُعرض إلا هذه المرة. ولا يحتفظ كوريدور إلا ببصمة له.
api-token-secret = رمز الوصول
back-to-api-tokens = العودة إلى رموز الوصول
api-docs-machine-readable = الوصف نفسه بصيغة تقرؤها البرامج (OpenAPI 3.1):
api-docs-parameter = المعامل
api-docs-in = الموضع
api-docs-required = إلزامي
api-docs-description = الوصف
api-docs-statuses = الردود:

## Figures, event tags, report summary (issue 15, part A)
figures-qualifier-invalid = اختر مدى دقة الأرقام: دقيقة أو على الأقل أو تقريبية.
figures-exact = دقيقة
figures-at-least = على الأقل («أكثر من 1,100»)
figures-about = تقريباً (تقدير)
figures-scope-invalid = اختر ما تشمله الأرقام: هذا الحادث، أو منطقة خلال فترة.
figures-scope-incident = هذا الحادث
figures-scope-area-period = منطقة خلال فترة
event-tag-invalid = اختر وسوم الحدث من القائمة.
tag-displacement-order = أمر بالمغادرة (منشورات، تحذيرات)
tag-safe-passage-refused = رفض الممر الآمن
tag-siege = حصار أو تطويق
tag-chemical-weapons-allegation = ادعاء باستخدام أسلحة كيميائية
tag-incendiary-weapons-allegation = ادعاء باستخدام أسلحة حارقة
tag-evacuation = إجلاء
tag-detention-of-staff = احتجاز عاملين في المجال الإنساني
tag-looting = نهب
tag-aid-diversion = تحويل المساعدات
figures-area-period-required = أدخل المنطقة والفترة اللتين تشملهما الأرقام، مثلاً «الغوطة الشرقية، منذ 18 شباط».
figures-area-period-unexpected = اترك المنطقة والفترة فارغتين لأرقام هذا الحادث، أو اختر «منطقة خلال فترة».
field-figures-qualifier = ما مدى دقة هذه الأرقام؟
hint-figures-qualifier = «أكثر من 1,100» تعني على الأقل 1,100؛ والتقدير يعني تقريباً. سجّل الرقم الأكثر تحفظاً.
field-figures-scope = ماذا تشمل هذه الأرقام؟
hint-figures-scope = أرقام منطقة كاملة خلال أسابيع («1,100 قتيل في المنطقة») تُعرض في التقارير بجانب مجاميع الحوادث، ولا تُضاف إليها أبداً.
field-figures-area-period = منطقة الأرقام وفترتها
hint-figures-area-period = فقط للأرقام التي تشمل منطقة خلال فترة، مثلاً «الغوطة الشرقية، من 18 شباط إلى 10 آذار».
field-event-tags = وسوم الحدث
hint-event-tags = ما لا تسمّيه فئة عائق الوصول. اختر كل ما ينطبق.
field-event-tag = وسم الحدث
figures-none-reported = لم يُبلَّغ عن أي أرقام.
figures-rest-not-reported = { $count ->
    [zero] لم يُبلَّغ عن أي رقم آخر.
    [one] لم يُبلَّغ عن رقم آخر واحد.
    [two] لم يُبلَّغ عن الرقمين الآخرين.
    [few] لم يُبلَّغ عن الأرقام الـ{ $count } الأخرى.
    [many] لم يُبلَّغ عن الأرقام الـ{ $count } الأخرى.
   *[other] لم يُبلَّغ عن الأرقام الـ{ $count } الأخرى.
}
report-reported-on = أُبلغ عنه في { $reported } من أصل { $of } حوادث
report-qualifier-at-least = على الأقل
report-qualifier-about = نحو
report-unverified-disputed = { $unverified } غير متحقق منها، { $disputed } متنازع عليها
report-area-figures = أرقام منطقة خلال فترة
report-area-figures-hint = أُبلغ عنها لمنطقة كاملة خلال فترة، لا لحادث واحد: تُعرض بجانب المجاميع أعلاه ولا تُضاف إليها أبداً.
report-by-tag = الحوادث حسب وسم الحدث
report-places-hint = القتلى المدنيون كما أُبلغ عنهم لكل حادث؛ تُستبعد أرقام المناطق خلال فترة.
report-area-short = منطقة
report-print-title = الطباعة أو الحفظ بصيغة PDF:
report-print-hint = استخدم أمر الطباعة في متصفحك واختر «الحفظ بصيغة PDF» كطابعة. تخلو النسخة المطبوعة من القوائم وهذه الأزرار، وتحمل درجة الحساسية والبصمة في كل صفحة.
report-issued-by = صادر عن
report-summary = الملخص
report-summary-none = لم يُكتب ملخص لهذا التقرير بعد.
report-summary-edit = كتابة الملخص أو تعديله
hint-report-summary = فقرة للقراء تُحفظ مع معايير هذا التقرير: يراها كل من يُعدّ التقرير نفسه. يُسجَّل كل تغيير في سجل التدقيق.
report-summary-save = حفظ الملخص
hint-report-verification = اترك الخيارات كلها دون تحديد لتشمل كل الحالات.
audit-what-changed = ما الذي تغيّر
audit-details-raw = تفاصيل تقنية (JSON)
audit-action-report-summary = كُتب ملخص تقرير
audit-detail-reference = المرجع
audit-detail-revision = المراجعة
audit-detail-reason = السبب
audit-detail-params = المعايير
audit-detail-digest = البصمة
audit-detail-records = السجلات
# ما يطلبه كل حقل، كما يُقرأ بعد «أدخل» أو «اختر» في رسائل الخطأ.
what-fallback = قيمة
what-title = العنوان
what-narrative = ما حدث
what-category = نوع القيد على الوصول
what-attack-types = أنواع الهجوم
what-resources = الموارد المتضررة
what-occurred-on = تاريخ وقوع الحادثة
what-time-precision = مدى دقة التاريخ
what-occurred-time = وقت الوقوع
what-reported-on = تاريخ الإبلاغ
what-location = المكان
what-location-precision = مدى دقة المكان
what-new-place-name = اسم المكان الجديد
what-new-place-admin1 = المحافظة
what-new-place-admin2 = المنطقة
what-new-place-pcode = الرمز المكاني (P-code)
what-new-place-lat = خط العرض
what-new-place-lon = خط الطول
what-new-place-alt-names = الأسماء الأخرى للمكان
what-perpetrator-type = نوع الجهة المنفّذة
what-perpetrator-name = اسم الجهة المنفّذة
what-civilians-killed = عدد المدنيين القتلى
what-civilians-injured = عدد المدنيين الجرحى
what-aid-killed-national = عدد عمال الإغاثة المحليين القتلى
what-aid-killed-international = عدد عمال الإغاثة الدوليين القتلى
what-aid-injured-national = عدد عمال الإغاثة المحليين الجرحى
what-aid-injured-international = عدد عمال الإغاثة الدوليين الجرحى
what-aid-kidnapped-national = عدد عمال الإغاثة المحليين المختطفين
what-aid-kidnapped-international = عدد عمال الإغاثة الدوليين المختطفين
what-aid-detained-national = عدد عمال الإغاثة المحليين المحتجزين
what-aid-detained-international = عدد عمال الإغاثة الدوليين المحتجزين
what-people-affected = عدد الأشخاص المتأثرين
what-sensitivity = درجة الحساسية
what-status = الحالة
what-claim-source-type = نوع المصدر
what-claim-source-name = اسم المصدر
what-claim-reliability = موثوقية المصدر
what-claim-credibility = مصداقية المعلومة
what-claim-date = تاريخ الإفادة
what-claim-statement = ما قاله المصدر
what-claim-stance = موقف الإفادة من الحادثة
what-verification = حالة التحقق
what-reason = السبب
what-retraction-reason = سبب السحب
what-merge-into = مرجع السجل الذي سيُحتفظ به
what-merge-reason = سبب الدمج
what-sensitivity-reason = سبب خفض درجة الحساسية
what-origin = مكان انطلاق القافلة
what-destination = وجهة القافلة
what-planned-departure = تاريخ الانطلاق المخطط
what-route = المسار
what-trucks = عدد الشاحنات
what-beneficiaries = عدد الأشخاص الذين تخدمهم القافلة
what-notification-ref = مرجع الإخطار
what-participants = المنظمات المشاركة
what-notes = الملاحظات
what-cargo-line = بند الحمولة
what-line-item = الصنف
what-line-sector = القطاع
what-line-quantity = الكمية
what-line-unit = الوحدة
what-line-weight = الوزن بالكيلوغرام
what-delivered-quantity = الكمية المسلَّمة
what-removed-quantity = الكمية المُزالة
what-removal-note = ما أُزيل ولماذا
what-delivered-line = بند الحمولة
what-place = المكان
what-note = الملاحظة
what-need = الاحتياج
what-quantity = الكمية
what-incident-reference = مرجع الحادثة
what-facility-name = اسم المنشأة
what-facility-type = نوع المنشأة
what-item = الصنف
what-item-detail = تفاصيل الصنف
what-quantity-needed = الكمية المطلوبة
what-unit = الوحدة
what-urgency = درجة الإلحاح
what-needed-by = التاريخ المطلوب قبله
what-assessed-on = تاريخ تقييم الاحتياج
what-username = اسم المستخدم
what-password = كلمة مرور
what-password-confirm = كلمة المرور مرة أخرى
what-display-name = الاسم الكامل للشخص
what-organization-id = المنظمة
what-role = الدور
what-name = الاسم
what-acronym = الاسم المختصر للمنظمة
what-org-type = نوع المنظمة
what-org-name = اسم المنظمة
what-org-acronym = الاسم المختصر للمنظمة
what-current-password = كلمة المرور الحالية
what-new-password = كلمة مرور جديدة
what-new-password-confirm = كلمة المرور الجديدة مرة أخرى
what-language = اللغة
what-scope = ما يمكن للرمز قراءته
what-expires-on = تاريخ انتهاء الصلاحية
what-rate-per-minute = عدد الطلبات المسموح بها في الدقيقة
what-files = الملفات
what-caption = التعليق
what-made-on = تاريخ إنشاء الملف
what-part = الإفادة أو الحدث
what-audience = الجهة التي يُعدّ لها التقرير
what-from = اليوم الأول
what-to = اليوم الأخير
what-token = الرابط
coordinate-comma = اكتب { $what } بنقطة عشرية لا بفاصلة، مثلاً 33.5711.
error-403-retracted = سُحب هذا السجل: لم يعد من الممكن تعديله.
error-403-other-organization = هذا السجل يعود إلى منظمة أخرى: لا يعدّله إلا موظفوها والمنسقون. أضف إفادة إن كانت لديك معلومات أكثر.
error-403-verified = تحقّق منسّق من هذا السجل: اطلب من منسّق تعديله، أو أضف إفادة.
error-403-closed = هذا السجل مغلق: اطلب من منسّق تعديله.
error-back-to-record = العودة إلى السجل
admin-user-created = أُنشئ الحساب. سلّم الشخص كلمة المرور المؤقتة شخصياً أو عبر قناة منفصلة: سيختار كلمته الخاصة عند أول تسجيل دخول.
admin-org-saved = حُفظت المنظمة.
field-assessed-on = تاريخ التقييم
hint-assessed-on = متى قُيّم الاحتياج، بصيغة سنة-شهر-يوم. الاحتياج الذي كان تاريخه قد مضى عند تسجيله لا يُعدّ متأخراً.
field-stance = ما تقوله الإفادة عن الحادثة
hint-stance = يُسجَّل النفي أو الاتهام («إنهم يدبّرون هجوماً مفتعلاً») إفادةً كغيره، مع تقييمه ونسبته إلى مصدره.
stance-supports = تُبلغ عنها
stance-denies = تنفيها
stance-counter-claim = ادعاء مضاد
stance-context = سياق
stance-invalid = اختر أحد المواقف المدرجة.
field-sensitivity-reason = سبب خفض درجة الحساسية
hint-sensitivity-reason = فقط عند خفضها (مثلاً من مقيّد إلى عام): سيقرأ هذا السجل عدد أكبر من الناس. يُحفظ السبب في سجله التاريخي.
sensitivity-reason-required = اذكر سبب خفض درجة الحساسية: سيقرأ هذا السجل عدد أكبر من الناس، ويُحفظ السبب في سجله التاريخي.
section-time-of-day = الوقت من اليوم (إن كان معروفاً)
likely-duplicates = ربما الحدث نفسه
likely-duplicates-hint = سجلات من نوع القيد نفسه، في غضون يومين، في المنطقة نفسها أو على بعد أقل من 5 كم. إن كان أحدها يُبلغ عن الحدث نفسه، يدمج المنسّق السجل المكرر في السجل المُحتفظ به.
likely-duplicates-merge = دمج هذا السجل فيه
home-likely-duplicates = سجلات مكررة محتملة بانتظار التحقق
place-kind-town = مدينة أو قرية
place-kind-neighbourhood = حي
place-kind-district = منطقة
place-kind-governorate = محافظة
place-kind-checkpoint = حاجز
place-kind-crossing = معبر حدودي
place-kind-facility = منشأة صحية
place-kind-school = مدرسة
place-kind-camp = مخيم
place-kind-warehouse = مستودع
place-kind-road = طريق
place-kind-invalid = اختر نوع المكان من القائمة.
name-language-en = الإنكليزية
name-language-ar = العربية
name-language-fr = الفرنسية
name-language-ar-latn = العربية بحروف لاتينية (نقحرة)
name-language-und = كتابة أخرى
name-language-invalid = اختر لغة هذا الاسم من القائمة.
nav-places = الأماكن
places-intro = دليل الأماكن: كل مكان مسجَّل بأسمائه في كل لغة ومناطقه الإدارية ورمزه (p-code). المكان الذي كُتب في سجل سري أو مسودة لا يظهر إلا لمن يحق له رؤية ذلك السجل.
places-search-label = الاسم أو الرمز
places-search-hint = أي اسم بأي لغة أو كتابة: Douma وDuma ودوما تجد المكان نفسه.
places-found = { $count ->
    [zero] لا أماكن
    [one] مكان واحد
    [two] مكانان
    [few] { $count } أماكن
    [many] { $count } مكانًا
   *[other] { $count } مكان
}
places-none = لا يوجد مكان يطابق عوامل التصفية هذه.
place-not-shared = تراه منظمة واحدة فقط
back-to-places = العودة إلى الأماكن
place-merged-banner = كان هذا المكان مكرَّرًا فدُمج في المكان المحتفَظ به، وانتقلت إليه سجلاته وأسماؤه.
place-kept-link = الانتقال إلى المكان المحتفَظ به
place-edit = تصحيح هذا المكان
place-number = رقم المكان
field-admin3 = الناحية
field-country-code = رمز البلد (ISO، مثل SY)
place-coordinates = الإحداثيات
place-names = الأسماء
field-name-language = اللغة
field-name-preferred = المفضَّل في لغته
place-records = السجلات في هذا المكان
place-no-records = لا شيء مما يحق لك رؤيته.
place-all-incidents = كل الحوادث في هذا المكان
place-namesakes = أماكن بالاسم نفسه
place-namesakes-hint = هذه الأماكن تحمل أحد أسماء هذا المكان. إن كان أحدها المكان نفسه فادمج المكرَّر في المكان الذي تحتفظ به.
place-merge = دمج هذا المكان في مكان آخر
place-merge-hint = للمكرَّر: تنتقل حوادثه وقوافله واحتياجاته إلى المكان المحتفَظ به، وتصبح أسماؤه أسماء أخرى لذلك المكان. يبقى هذا المكان موسومًا بأنه مدموج. لا يمكن التراجع عن ذلك من هنا.
field-place-merge-into = المكان المحتفَظ به
hint-place-merge-into = رقمه (المذكور في صفحته) أو اسمه.
hint-place-names = اسم في كل سطر مع لغته؛ ضع علامة على الاسم الذي يُعرض لكل لغة. اترك السطر فارغًا كي لا تضيف شيئًا، وامسح الاسم لحذفه.
field-place-kind = نوع المكان
place-share = مشاركة هذا المكان مع كل المنظمات (تراه الآن منظمة واحدة فقط)
place-saved = حُفظ المكان.
place-merged = دُمج المكرَّر في هذا المكان.
place-name-required = أعطِ المكان اسمًا واحدًا على الأقل.
place-name-preferred-twice = ضع علامة على اسم مفضَّل واحد فقط لكل لغة.
place-merge-unknown = لا يُعرف مكان بهذا الرقم أو الاسم، أو أنه هو نفسه دُمج في غيره.
place-merge-ambiguous = عدة أماكن تحمل هذا الاسم: أدخل رقم المكان بدلًا منه.
place-merge-itself = لا يمكن دمج مكان في نفسه.
place-merge-required = أدخل المكان المحتفَظ به.
audit-action-location-update = صُحِّح مكان
audit-action-location-merge = دُمج مكان في آخر
audit-action-location-duplicate-merged = دُمج فيه مكان مكرَّر
audit-action-convoy-place-merged = دُمج مكان قافلة
revision-place-merged = دُمج مكانه في مكان آخر
new-origin-summary = مكان الانطلاق ليس في القائمة: أضف مكانًا جديدًا
new-destination-summary = الوجهة ليست في القائمة: أضف مكانًا جديدًا
field-any-place = المكان (بأي من أسمائه)
what-admin = المنطقة الإدارية (المحافظة أو المنطقة أو الناحية)
what-country-code = رمز البلد
what-figures-area-period = المنطقة والفترة التي تشملها الأرقام
what-kind = نوع المكان
what-longitude = خط الطول
what-name-language = لغة الاسم
what-name-preferred = الاسم المفضّل
what-name-text = الاسم
what-pcode = الرمز (p-code)
evidence-photo-taken = تقول البيانات الوصفية للصورة إنها التُقطت في { $date } الساعة { $time } (بحسب ساعة الكاميرا)؛ قد تكون البيانات الوصفية خاطئة أو مزوّرة.
evidence-photo-position = تقول البيانات الوصفية للصورة إنها التُقطت عند { $position } (خط العرض، خط الطول)؛ قد تكون البيانات الوصفية خاطئة أو مزوّرة. عامِلها معاملة الموقع الدقيق: لا يراها إلا منظمة هذا الملف والمنسّقون والمدقّقون.
evidence-photo-copy-stripped = ما تنزّله نسخة أُزيلت منها البيانات الوصفية للصورة (التاريخ، الموقع، الكاميرا)، لذا تختلف بصمتها SHA-256 عن بصمة الأصل المعروضة هنا.
evidence-metadata-not-removable = لا يمكن إزالة البيانات الوصفية من هذا النوع من الصور (وقد تكشف مكان التقاطها)، لذا لا يمكن تنزيلها إلا لمنظمتها والمنسّقين والمدقّقين.
evidence-thumbnail-alt = صورة مصغّرة لـ { $name }
evidence-bundle-shared = تنزيل حزمة للمشاركة خارج منظمتك (بعد إزالة البيانات الوصفية للصور)
incidents-file-count = { $count ->
    [zero] لا ملفات
    [one] ملف واحد
    [two] ملفان
    [few] { $count } ملفات
    [many] { $count } ملفًا
   *[other] { $count } ملف
}
nav-searches = عمليات البحث المحفوظة
search-save = احفظ هذا البحث
search-save-hint = واشترك فيه: موجز أو خطاف ويب أو بريد إلكتروني.
search-save-intro = سمِّ هذا البحث لتجده مجددًا ولتشترك فيه. يحتفظ بمرشحات القائمة؛ ولا يرى من يقرؤه إلا ما يحق له رؤيته في تلك اللحظة.
field-search-name = اسم البحث
hint-search-name = مثلًا: القوافل المعرقلة في ريف دمشق.
searches-intro = عمليات البحث التي حفظتها. افتح أحدها لتشترك فيه (موجز Atom أو خطاف ويب أو بريد إلكتروني)، أو لترى ما أُرسل، أو لتحذفه.
searches-none = لم تحفظ أي بحث بعد. استخدم «احفظ هذا البحث» في قائمة الحوادث أو القوافل أو الاحتياجات.
search-kind = القائمة
search-saved-on = تاريخ الحفظ
search-open-list = افتح القائمة
subscriptions = الاشتراكات
subscriptions-none = لا اشتراك بعد.
subscription-created = أُنشئ في
subscription-revoked = مُلغى
subscription-revoke = ألغِ
subscription-test = أرسل رسالة تجريبية
deliveries = أحدث الرسائل
deliveries-none = لم يُرسل شيء بعد.
delivery-message = الرسالة
delivery-attempts = المحاولات
delivery-last-attempt = آخر محاولة
delivery-answer = الرد
subscribe = اشترك
field-subscription-channel = كيف تُبلَّغ
hint-subscription-channel = يقرأ الموجزَ قارئُ موجزات على عنوان خاص؛ وخطاف الويب رسالة موقّعة إلى نظامك؛ والبريد الإلكتروني يصل إلى عنوان.
field-subscription-url = عنوان خطاف الويب
hint-subscription-url = لخطاف الويب فقط: عنوان https:// الذي يستقبل الرسائل.
field-subscription-email = عنوان البريد الإلكتروني
hint-subscription-email = للبريد الإلكتروني فقط.
subscription-email-unavailable = لا يمكن اختيار البريد الإلكتروني: لم يُضبط خادم بريد. اسأل أحد المسؤولين.
field-subscription-frequency = كم مرة يُرسل البريد
hint-subscription-frequency = للبريد الإلكتروني فقط: كل تغيير فورًا، أو ملخص يومي (عند منتصف الليل بالتوقيت العالمي) أو أسبوعي (يوم الاثنين).
search-delete = احذف هذا البحث
hint-search-delete = تتوقف اشتراكاته، وتُسقط رسائلها التي لم تُرسل بعد.
subscription-created-title = أُنشئ الاشتراك
subscription-shown-once = انسخه الآن: لن يُعرض إلا هذه المرة. من يملكه يستطيع قراءة الموجز أو التوقيع باسم Corridor؛ ألغِ الاشتراك إن تسرّب.
subscription-feed-url = عنوان الموجز
hint-subscription-feed-url = أعطه لقارئ موجزات. يعرض ما يحق لك رؤيته وقت قراءته.
subscription-webhook-secret = سرّ التوقيع
hint-subscription-webhook-secret = تحمل كل رسالة ترويسة Corridor-Signature: تحقّق منها بهذا السر (انظر ملف README).
back-to-search = العودة إلى البحث
subscription-channel-feed = موجز Atom
subscription-channel-webhook = خطاف ويب
subscription-channel-email = بريد إلكتروني
subscription-frequency-immediate = فورًا
subscription-frequency-daily = ملخص يومي
subscription-frequency-weekly = ملخص أسبوعي
delivery-sent = أُرسلت
delivery-failed = تُخلّي عنها
delivery-retrying = ستُعاد المحاولة
delivery-pending = في الانتظار
search-query-invalid = لا يمكن حفظ مرشحات هذا البحث؛ افتح القائمة واحفظه منها.
subscription-url-https = أدخل عنوانًا يبدأ بـ https://.
subscription-url-invalid = أدخل عنوان ويب، مثل https://example.org/hooks/corridor.
subscription-email-invalid = أدخل عنوان بريد إلكتروني، مثل name@example.org.
email-subject = Corridor: { $count } تحديث لـ «{ $search }»
email-intro = ما تغيّر في بحثك المحفوظ «{ $search }» (ما يحق لك رؤيته فقط):
email-footer = تصلك هذه الرسالة لأنك اشتركت في بحث محفوظ في Corridor. لإيقافها، افتح عمليات البحث المحفوظة وألغِ الاشتراك.
what-url = عنوان خطاف الويب
what-email = عنوان البريد الإلكتروني
what-channel = طريقة الإبلاغ
what-frequency = عدد مرات الإرسال
what-query = المرشحات
audit-action-saved-search-create = حُفظ بحث
audit-action-saved-search-delete = حُذف بحث محفوظ
audit-action-subscription-create = اشتراك جديد
audit-action-subscription-revoke = أُلغي اشتراك
audit-action-subscription-test = أُرسلت رسالة تجريبية
map-heading = الخريطة
map-title = الحوادث حسب المحافظة
map-desc = خريطة للمحافظات، تُظلَّل كلٌّ منها بحسب عدد ما وقع فيها من هذه الحوادث (الأغمق أكثر) ويُكتب العدد عليها؛ وتدلّ النقاط على الحوادث المعروف مكانها بدقة أو بالتقريب. ويعرض الجدول بعد الخريطة الأرقام نفسها.
map-area-count = { $area }: { $count ->
    [zero] لا حوادث
    [one] حادثة واحدة
    [two] حادثتان
    [few] { $count } حوادث
   *[other] { $count } حادثة
}
map-legend = الحوادث
map-legend-point = حادثة في نقطة معروفة
map-points = { $count ->
    [zero] لا حادثة من هذه معروف مكانها بدقة، فلا تُرسم نقاط.
    [one] نقطة واحدة: الحادثة المعروف مكانها بدقة أو بالتقريب.
    [two] نقطتان: الحادثتان المعروف مكانهما بدقة أو بالتقريب.
    [few] { $count } نقاط: الحوادث المعروف مكانها بدقة أو بالتقريب.
   *[other] { $count } نقطة: الحوادث المعروف مكانها بدقة أو بالتقريب.
}
map-points-capped = النقاط: أحدث { $count } حادثة معروف مكانها بدقة أو بالتقريب (وهناك غيرها، وهي محسوبة في محافظاتها).
map-no-points-public = يحدّد التقرير العام أماكن الحوادث على مستوى المحافظة فقط: بلا نقاط.
map-region-note = الحادثة التي لا يُعرف إلا منطقتها أو محافظتها تُحسب في محافظتها، ولا تُرسم نقطةً أبداً.
map-table-link = الأرقام في جدول
map-table-caption = الحوادث حسب المحافظة (أرقام الخريطة)
map-none = لا حوادث.
map-elsewhere = في أماكن لم تُسجَّل لها محافظة
place-coordinates-outside = تقع هذه الإحداثيات خارج المحافظة المذكورة. تحقّق منها (خط العرض أولاً ثم خط الطول، كلاهما بالدرجات العشرية) ومن المحافظة، أو ضع علامة على «الإحداثيات صحيحة» للإبقاء عليها.
field-coordinates-checked = الإحداثيات صحيحة، مع أنها تقع خارج المحافظة المذكورة
map-point = الحادثة { $reference }
map-page-title = الحوادث على الخريطة
map-back-to-list = العودة إلى قائمة هذه الحوادث
map-see-these = عرض هذه الحوادث على الخريطة حسب المحافظة

## Organisation logos
audit-action-organization-logo = تغيّر شعار المنظمة
field-org-logo = الشعار
org-logo-file = صورة الشعار
hint-org-logo = صورة بصيغة PNG أو JPEG أو WebP حجمها 2 ميغابايت على الأكثر. تُطبع في رأس تقارير الوضع التي تصدرها منظمتك. يعيد Corridor رسمها (600 × 200 بكسل على الأكثر) ولا يحتفظ بشيء آخر من الملف.
org-logo-current = الشعار المطبوع على تقارير هذه المنظمة:
org-logo-none = لا شعار بعد: تُظهر التقارير اسم المنظمة فقط.
org-logo-upload = ارفع الشعار
org-logo-remove = احذف الشعار
org-logo-saved = حُفظ الشعار: يُطبع على تقارير الوضع الصادرة عن هذه المنظمة.
org-logo-removed = حُذف الشعار.
logo-required = اختر ملف صورة لرفعه.
logo-too-large = الصورة أكبر من 2 ميغابايت: اختر ملفًا أصغر.
logo-not-image = هذا الملف ليس صورة PNG أو JPEG أو WebP: اختر صورة من هذه الأنواع.
# The unit after a weight in kilograms.
unit-kg = كغ

# The field an error is about, in a sentence.
what-logo = الشعار
section-need-what = ما المطلوب، وبحلول متى
