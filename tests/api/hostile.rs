//! Hostile input: generated values (empty, very long, right-to-left and combining text, control
//! characters, SQL and HTML fragments, numbers and dates out of range, repeated and missing
//! fields, bodies that are not UTF-8, wrong tokens) posted to the form of every POST route of
//! the route table. The answer is a redirect or a 4xx page, never a 5xx; a refused form changes
//! no row of any table, an accepted one only the tables it is for, with its history and audit
//! event; and each form has cases of both kinds. Then: text that looks like HTML is escaped on
//! every page that shows it and comes back verbatim in the data exports.

use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

use crate::helpers::{
    client, dump_changes, spawn_app_with, Backend, Dump, Page, TestApp, PASSWORD,
};
use crate::incidents::{create_incident, incident_form, post, seed_place, signed_in};
use corridor::domain::Role;
use corridor::web::routes::ROUTES;

/// Generated cases per form and backend (every POST route has its form: 25 forms on two
/// databases, so few enough to keep the suite quick).
const CASES: u32 = 24;

// ---------------------------------------------------------------------------------------------
// Generated values
// ---------------------------------------------------------------------------------------------

/// Fragments a hostile (or careless) client might type, plus a few valid codes so that some
/// generated forms pass and the success path is exercised too.
const FRAGMENTS: &[&str] = &[
    "",
    " ",
    "'; DROP TABLE incidents; --",
    "' OR '1'='1",
    "\"; DELETE FROM claims; --",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "-1",
    "0",
    "1e40",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "NaN",
    "1,5",
    "0000-00-00",
    "9999-12-31",
    "2018-02-30",
    "1900-01-01",
    "+275760-09-13",
    "24:00",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\r\n",
    "مستشفى دوما الجراحي",
    "בית חולים",
    "\u{202e}gnp.exe\u{202c}",
    "e\u{301}\u{302}\u{303}\u{304}",
    "Z\u{337}\u{322}a\u{335}l\u{336}g\u{338}o",
    "%FF%FE",
    "../../etc/passwd",
    "//evil.example.org/",
    "https://evil.example.org/login",
    "/\\evil.example.org",
    "/%2F%2Fevil.example.org",
    "javascript:alert(1)",
    "Douma",
    "A",
    "1",
    "6",
    "day",
    "public",
    "confidential",
    "submitted",
    "draft",
    "confirmed",
    "disputed",
    "hospital",
    "critical",
    "trauma_kits",
    "health",
    "national_ngo",
    "state_forces",
    "2018-02-26",
];

/// Units repeated to make very long values.
const LONG_UNITS: &[&str] = &["x", "ش", "א", "é\u{301}", "<", " ", "\u{0}", "9"];

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => select(FRAGMENTS).prop_map(String::from),
        2 => prop::collection::vec(select(FRAGMENTS), 1..4).prop_map(|v| v.concat()),
        2 => "\\PC{0,30}",
        1 => "[\\x00-\\x1f\\x7f]{1,8}",
        1 => (0usize..20_000, select(LONG_UNITS)).prop_map(|(n, unit)| {
            unit.repeat(n / unit.chars().count())
        }),
    ]
}

/// One value of a field as it goes on the wire.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    /// `%FF%FE`: percent-encoded bytes that are not UTF-8.
    PercentBadUtf8,
    /// The raw bytes 0xFF 0xFE, not encoded at all.
    RawBadUtf8,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        14 => hostile_text().prop_map(Value::Text),
        1 => Just(Value::PercentBadUtf8),
        1 => Just(Value::RawBadUtf8),
    ]
}

/// A change to a valid form.
#[derive(Debug, Clone)]
enum Edit {
    /// The field is left out.
    Missing(&'static str),
    /// The field is sent with these values (more than one: a repeated field).
    Set(&'static str, Vec<Value>),
}

fn edits(fields: &'static [&'static str]) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        1 => select(fields).prop_map(Edit::Missing),
        6 => (select(fields), prop::collection::vec(value(), 1..2))
            .prop_map(|(f, v)| Edit::Set(f, v)),
        1 => (select(fields), prop::collection::vec(value(), 2..4))
            .prop_map(|(f, v)| Edit::Set(f, v)),
    ];
    // A quarter of the cases send the valid form as it is (with a fresh token), so that the
    // success path is taken often enough to be checked.
    prop_oneof![
        1 => Just(Vec::new()),
        3 => prop::collection::vec(edit, 1..5),
    ]
}

// ---------------------------------------------------------------------------------------------
// The forms: one for every POST route of the route table
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    SignIn,
    SignOut,
    Setup,
    PasswordChange,
    LanguageChange,
    UserCreate,
    UserUpdate,
    UserDisable,
    UserEnable,
    UserPassword,
    UserUnlock,
    OrganizationCreate,
    OrganizationUpdate,
    OrganizationLogo,
    OrganizationLogoRemoval,
    IncidentCreate,
    IncidentUpdate,
    Claim,
    Verification,
    Retraction,
    Merge,
    ConvoyCreate,
    ConvoyUpdate,
    ConvoyEvent,
    Delivery,
    ConvoyLink,
    NeedCreate,
    NeedUpdate,
    ApiTokenIssue,
    ApiTokenRevoke,
    IncidentFiles,
    ConvoyFiles,
    NeedFiles,
    FileRetraction,
    FilePurge,
    ReportSummary,
    PlaceUpdate,
    PlaceMerge,
    SearchCreate,
    SearchDelete,
    Subscribe,
    SubscriptionRevoke,
    SubscriptionTest,
}

/// Every form field list also has these: the token (a form with a wrong one is refused) and a
/// field no form knows.
macro_rules! fields {
    ($($f:literal),* $(,)?) => { &["csrf_token", "unexpected_field", $($f),*] };
}

const INCIDENT_FIELDS: &[&str] = fields![
    "title",
    "narrative",
    "category",
    "occurred_on",
    "time_precision",
    "occurred_time",
    "reported_on",
    "location",
    "location_precision",
    "perpetrator_type",
    "perpetrator_name",
    "civilians_killed",
    "people_affected",
    "sensitivity",
    "status",
    "claim_source_type",
    "claim_source_name",
    "claim_reliability",
    "claim_credibility",
    "claim_date",
    "claim_statement",
    "claim_stance",
    "sensitivity_reason",
    "attack_types",
    "new_place_name",
    "new_place_alt_names",
    "new_place_lat",
    "new_place_lon",
    "new_place_admin1",
    "new_place_pcode",
    "version",
];

const CLAIM_FIELDS: &[&str] = fields![
    "claim_source_type",
    "claim_source_name",
    "claim_reliability",
    "claim_credibility",
    "claim_date",
    "claim_statement",
    "claim_stance",
];

const CONVOY_FIELDS: &[&str] = fields![
    "origin",
    "destination",
    "planned_departure",
    "route",
    "trucks",
    "beneficiaries",
    "notification_ref",
    "sensitivity",
    "notes",
    "sensitivity_reason",
    "line_item",
    "line_sector",
    "line_quantity",
    "line_unit",
    "line_weight",
    "line_remove",
    "action",
    "status",
    "new_origin_name",
    "new_origin_alt_names",
    "new_origin_lat",
    "new_origin_lon",
    "new_destination_name",
    "new_destination_admin1",
    "new_destination_pcode",
    "version",
];

const NEED_FIELDS: &[&str] = fields![
    "facility_name",
    "facility_type",
    "location",
    "item",
    "item_detail",
    "quantity_needed",
    "unit",
    "urgency",
    "needed_by",
    "assessed_on",
    "sensitivity",
    "sensitivity_reason",
    "notes",
    "cancelled",
    "new_place_name",
    "new_place_alt_names",
    "new_place_lat",
    "new_place_lon",
    "version",
];

const EVENT_FIELDS: &[&str] = fields![
    "status",
    "occurred_on",
    "occurred_time",
    "place",
    "new_place_name",
    "new_place_admin2",
    "new_place_lat",
    "new_place_lon",
    "note",
    "delivered_line",
    "delivered_quantity",
    "removed_quantity",
    "removal_note",
];

impl Form {
    const ALL: [Form; 43] = [
        Form::SignIn,
        Form::SignOut,
        Form::Setup,
        Form::PasswordChange,
        Form::LanguageChange,
        Form::UserCreate,
        Form::UserUpdate,
        Form::UserDisable,
        Form::UserEnable,
        Form::UserPassword,
        Form::UserUnlock,
        Form::OrganizationCreate,
        Form::OrganizationUpdate,
        Form::OrganizationLogo,
        Form::OrganizationLogoRemoval,
        Form::IncidentCreate,
        Form::IncidentUpdate,
        Form::Claim,
        Form::Verification,
        Form::Retraction,
        Form::Merge,
        Form::ConvoyCreate,
        Form::ConvoyUpdate,
        Form::ConvoyEvent,
        Form::Delivery,
        Form::ConvoyLink,
        Form::NeedCreate,
        Form::NeedUpdate,
        Form::ApiTokenIssue,
        Form::ApiTokenRevoke,
        Form::IncidentFiles,
        Form::ConvoyFiles,
        Form::NeedFiles,
        Form::FileRetraction,
        Form::FilePurge,
        Form::ReportSummary,
        Form::PlaceUpdate,
        Form::PlaceMerge,
        Form::SearchCreate,
        Form::SearchDelete,
        Form::Subscribe,
        Form::SubscriptionRevoke,
        Form::SubscriptionTest,
    ];

    /// The route it posts to, as the route table writes it.
    fn route(self) -> &'static str {
        match self {
            Form::SignIn => "/login",
            Form::SignOut => "/logout",
            Form::Setup => "/setup",
            Form::PasswordChange => "/account/password",
            Form::LanguageChange => "/account/language",
            Form::UserCreate => "/admin/users",
            Form::UserUpdate => "/admin/users/{id:\\d+}",
            Form::UserDisable => "/admin/users/{id:\\d+}/disable",
            Form::UserEnable => "/admin/users/{id:\\d+}/enable",
            Form::UserPassword => "/admin/users/{id:\\d+}/password",
            Form::UserUnlock => "/admin/users/{id:\\d+}/unlock",
            Form::OrganizationCreate => "/admin/organizations",
            Form::OrganizationUpdate => "/admin/organizations/{id:\\d+}",
            Form::OrganizationLogo => "/admin/organizations/{id:\\d+}/logo",
            Form::OrganizationLogoRemoval => "/admin/organizations/{id:\\d+}/logo/removal",
            Form::IncidentCreate => "/incidents",
            Form::IncidentUpdate => "/incidents/{id:\\d+}",
            Form::Claim => "/incidents/{id:\\d+}/claims",
            Form::Verification => "/incidents/{id:\\d+}/verification",
            Form::Retraction => "/incidents/{id:\\d+}/retraction",
            Form::Merge => "/incidents/{id:\\d+}/merge",
            Form::ConvoyCreate => "/convoys",
            Form::ConvoyUpdate => "/convoys/{id:\\d+}",
            Form::ConvoyEvent => "/convoys/{id:\\d+}/events",
            Form::Delivery => "/convoys/{id:\\d+}/deliveries",
            Form::ConvoyLink => "/convoys/{id:\\d+}/incidents",
            Form::NeedCreate => "/needs",
            Form::NeedUpdate => "/needs/{id:\\d+}",
            Form::ApiTokenIssue => "/admin/api-tokens",
            Form::ApiTokenRevoke => "/admin/api-tokens/revoke",
            Form::IncidentFiles => "/incidents/{id:\\d+}/files",
            Form::ConvoyFiles => "/convoys/{id:\\d+}/files",
            Form::NeedFiles => "/needs/{id:\\d+}/files",
            Form::FileRetraction => "/files/{id:\\d+}/retraction",
            Form::FilePurge => "/files/{id:\\d+}/purge",
            Form::ReportSummary => "/reports/summary",
            Form::PlaceUpdate => "/places/{id:\\d+}",
            Form::PlaceMerge => "/places/{id:\\d+}/merge",
            Form::SearchCreate => "/searches",
            Form::SearchDelete => "/searches/{id:\\d+}/delete",
            Form::Subscribe => "/searches/{id:\\d+}/subscriptions",
            Form::SubscriptionRevoke => "/subscriptions/{id:\\d+}/revoke",
            Form::SubscriptionTest => "/subscriptions/{id:\\d+}/test",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Form::SignIn => fields!["username", "password", "next"],
            Form::SignOut | Form::UserDisable | Form::UserEnable | Form::UserUnlock => fields![],
            Form::Setup => fields![
                "token",
                "org_name",
                "org_acronym",
                "org_type",
                "username",
                "display_name",
                "password",
                "password_confirm",
            ],
            Form::PasswordChange => {
                fields!["current_password", "new_password", "new_password_confirm"]
            }
            Form::LanguageChange => fields!["language"],
            Form::UserCreate => fields![
                "username",
                "display_name",
                "organization_id",
                "role",
                "password",
                "password_confirm",
            ],
            Form::UserUpdate => fields!["display_name", "organization_id", "role"],
            Form::UserPassword => fields!["password", "password_confirm"],
            Form::OrganizationCreate | Form::OrganizationUpdate => {
                fields!["name", "acronym", "org_type"]
            }
            Form::OrganizationLogo => fields!["logo"],
            Form::OrganizationLogoRemoval => fields![],
            Form::IncidentCreate | Form::IncidentUpdate => INCIDENT_FIELDS,
            Form::Claim => CLAIM_FIELDS,
            Form::Verification => fields!["verification", "reason"],
            Form::Retraction => fields!["reason"],
            Form::Merge => fields!["merge_into", "merge_reason"],
            Form::ConvoyCreate | Form::ConvoyUpdate => CONVOY_FIELDS,
            Form::ConvoyEvent => EVENT_FIELDS,
            Form::Delivery => fields!["cargo_line", "need", "quantity"],
            Form::ConvoyLink => fields!["incident_reference"],
            Form::NeedCreate | Form::NeedUpdate => NEED_FIELDS,
            Form::ApiTokenIssue => fields![
                "name",
                "scope",
                "organization_id",
                "expires_on",
                "rate_per_minute",
            ],
            Form::ApiTokenRevoke => fields!["token_id"],
            Form::IncidentFiles | Form::ConvoyFiles | Form::NeedFiles => {
                fields!["files", "caption", "made_on", "sensitivity", "part"]
            }
            Form::FileRetraction | Form::FilePurge => fields!["reason"],
            Form::ReportSummary => fields![
                "from",
                "to",
                "admin1",
                "organization",
                "category",
                "verification",
                "audience",
                "summary",
            ],
            Form::PlaceUpdate => fields![
                "name_text",
                "name_language",
                "name_preferred",
                "kind",
                "country_code",
                "admin1",
                "admin2",
                "pcode",
                "latitude",
                "longitude",
                "share",
                "version",
            ],
            Form::PlaceMerge => fields!["merge_into", "merge_reason"],
            Form::SearchCreate => fields!["name", "kind", "query"],
            Form::SearchDelete | Form::SubscriptionRevoke | Form::SubscriptionTest => fields![],
            Form::Subscribe => fields!["channel", "url", "email", "frequency"],
        }
    }

    /// The tables an accepted form may change (a name ending in `*`: every table so named),
    /// besides the audit trail, which every change appends to.
    fn writes(self) -> &'static [&'static str] {
        const INCIDENT: &[&str] = &[
            "incidents*",
            "claims",
            "revisions",
            "reference_counters",
            "locations",
            "place_names",
        ];
        match self {
            Form::SignIn => &["sessions", "login_throttle", "users"],
            Form::SignOut => &["sessions"],
            Form::Setup => &["organizations", "users", "sessions", "setup_tokens"],
            Form::PasswordChange => &["users", "sessions", "login_throttle"],
            Form::LanguageChange => &["users"],
            Form::UserPassword => &["users", "sessions"],
            Form::UserCreate | Form::UserEnable => &["users"],
            Form::UserUpdate | Form::UserDisable => &["users", "sessions"],
            Form::UserUnlock => &["login_throttle"],
            Form::OrganizationCreate | Form::OrganizationUpdate => &["organizations"],
            Form::OrganizationLogo | Form::OrganizationLogoRemoval => &["organization_logos"],
            Form::IncidentCreate | Form::IncidentUpdate => INCIDENT,
            Form::Claim | Form::Verification | Form::Retraction => {
                &["incidents*", "claims", "revisions"]
            }
            Form::Merge => &["incidents*", "claims", "revisions", "convoy_incidents"],
            // A new convoy starts with its "planned" event.
            Form::ConvoyCreate => &[
                "convoys",
                "convoy_events",
                "convoy_organizations",
                "cargo_lines",
                "revisions",
                "reference_counters",
                "locations",
                "place_names",
            ],
            Form::ConvoyUpdate => &[
                "convoys",
                "convoy_organizations",
                "cargo_lines",
                "revisions",
                "reference_counters",
                "locations",
                "place_names",
            ],
            Form::ConvoyEvent => &[
                "convoys",
                "convoy_events",
                "cargo_lines",
                "revisions",
                "locations",
                "place_names",
            ],
            Form::Delivery => &["need_deliveries", "needs", "revisions"],
            Form::ConvoyLink => &["convoy_incidents", "revisions"],
            Form::NeedCreate | Form::NeedUpdate => &[
                "needs",
                "revisions",
                "reference_counters",
                "locations",
                "place_names",
            ],
            Form::ApiTokenIssue | Form::ApiTokenRevoke => &["api_tokens"],
            Form::IncidentFiles
            | Form::ConvoyFiles
            | Form::NeedFiles
            | Form::FileRetraction
            | Form::FilePurge => &["evidence_files", "revisions"],
            Form::ReportSummary => &["report_summaries"],
            // A correction rewrites the search entries of the incidents at the place.
            Form::PlaceUpdate => &["locations", "place_names", "revisions", "incidents*"],
            Form::PlaceMerge => &[
                "locations",
                "place_names",
                "revisions",
                "incidents*",
                "needs",
                "convoys",
                "convoy_events",
            ],
            Form::SearchCreate => &["saved_searches"],
            Form::SearchDelete => &["saved_searches", "subscriptions", "deliveries"],
            Form::Subscribe => &["subscriptions"],
            Form::SubscriptionRevoke => &["subscriptions", "deliveries"],
            Form::SubscriptionTest => &["deliveries"],
        }
    }

    /// Sent as `multipart/form-data` (file uploads), with the `files` field as a file part.
    fn multipart(self) -> bool {
        matches!(
            self,
            Form::IncidentFiles | Form::ConvoyFiles | Form::NeedFiles | Form::OrganizationLogo
        )
    }

    /// Does an accepted form change a record, so that its history (a revision) is written too?
    fn writes_history(self) -> bool {
        self.writes().contains(&"revisions")
    }

    /// May it be answered "done" without changing anything (setting what is already set)?
    fn may_change_nothing(self) -> bool {
        matches!(
            self,
            Form::Verification
                | Form::UserUnlock
                | Form::UserEnable
                | Form::UserDisable
                | Form::OrganizationLogoRemoval
        )
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn convoy_base() -> Vec<(String, String)> {
    pairs(&[
        ("origin", "Damascus"),
        ("destination", "Douma"),
        ("planned_departure", "2018-02-26"),
        ("route", "Via Al-Wafideen"),
        ("trucks", "9"),
        ("beneficiaries", "70000"),
        ("notification_ref", "HN-1"),
        ("sensitivity", "restricted"),
        ("notes", ""),
        ("line_item", "Trauma kits"),
        ("line_sector", "health"),
        ("line_quantity", "40"),
        ("line_unit", "kits"),
        ("line_weight", "800"),
        ("line_item", "Food parcels"),
        ("line_sector", "food"),
        ("line_quantity", "5000"),
        ("line_unit", "parcels"),
        ("line_weight", ""),
        ("action", "save"),
    ])
}

fn need_base() -> Vec<(String, String)> {
    pairs(&[
        ("facility_name", "Douma surgical hospital"),
        ("facility_type", "hospital"),
        ("location", "Douma"),
        ("item", "trauma_kits"),
        ("item_detail", ""),
        ("quantity_needed", "60"),
        ("unit", "kits"),
        ("urgency", "critical"),
        ("needed_by", "2018-02-27"),
        ("sensitivity", "restricted"),
        ("notes", ""),
    ])
}

/// `next` after signing in: our own page, and addresses that lead off the site.
const OFF_SITE: &[&str] = &[
    "/incidents",
    "//evil.example.org/",
    "https://evil.example.org/login",
    "/\\evil.example.org",
    "/%2F%2Fevil.example.org",
    "javascript:alert(1)",
];

/// A strong password other than the seeded accounts' one.
const NEW_PASSWORD: &str = "quiet-river-lantern-glass-92";

// ---------------------------------------------------------------------------------------------
// What an answer may have changed
// ---------------------------------------------------------------------------------------------

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Refused,
}

fn allowed(table: &str, list: &[&str]) -> bool {
    // The count of the gazetteer's changes moves with the places (a trigger keeps it).
    if table == "gazetteer_changes" {
        return allowed("locations", list);
    }
    // And the count of the incidents' changes and their words (PostgreSQL) with the
    // incidents, the organisations' count with the organisations.
    if table == "incident_changes" || table == "incident_words" {
        return allowed("incidents", list);
    }
    if table == "organization_changes" {
        return allowed("organizations", list);
    }
    // The convoys' and the needs' counts of changes with their records.
    if table == "record_changes" {
        return allowed("convoys", list) || allowed("needs", list);
    }
    // The files' count of changes with the files and the claims they may sit on.
    if table == "evidence_changes" {
        return allowed("evidence_files", list) || allowed("claims", list);
    }
    // A tally changes with the records it counts (database triggers keep it).
    if let Some(kind) = [
        "_month_tallies",
        "_governorate_tallies",
        "_governorate_totals",
        "_district_tallies",
        "_tallies",
    ]
    .iter()
    .find_map(|suffix| table.strip_suffix(suffix))
    {
        return allowed(&format!("{kind}s"), list);
    }
    ["audit_events", "audit_chain_head"].contains(&table)
        || list.iter().any(|w| match w.strip_suffix('*') {
            Some(prefix) => table.starts_with(prefix),
            None => table == *w,
        })
}

/// Does the change from `before` to `after` fit the answer `status` to `form`?
fn check(
    form: Form,
    status: u16,
    location: Option<&str>,
    before: &Dump,
    after: &Dump,
) -> Result<Outcome, String> {
    let changes = dump_changes(before, after);
    let changed = |table: &str| changes.iter().find(|(t, _, _)| t == table);
    let describe = || format!("{changes:#?}");
    if status >= 500 {
        return Err(format!("server error {status}"));
    }
    // The audit trail only grows.
    let audit_added = match changed("audit_events") {
        Some((_, gone, _)) if !gone.is_empty() => {
            return Err(format!("audit events changed or removed: {}", describe()))
        }
        Some((_, _, new)) => new.len(),
        None => 0,
    };
    if !changes.is_empty() && audit_added == 0 {
        return Err(format!("a change without its audit event: {}", describe()));
    }
    let refused = matches!(status, 400 | 403 | 404 | 409 | 413 | 422)
        // "Add more rows" on the convoy forms sends the form back, saving nothing.
        || (status == 200 && matches!(form, Form::ConvoyCreate | Form::ConvoyUpdate));
    // An issued API token, a feed's URL and a webhook's secret are shown once, on the page
    // that answers the form.
    let done = if matches!(form, Form::ApiTokenIssue | Form::Subscribe) {
        200
    } else {
        303
    };
    if refused {
        // A refused sign-in or password change is itself recorded (the failure, counted
        // towards a lock, as the README says); nothing else is.
        let ok = if matches!(form, Form::SignIn | Form::PasswordChange) {
            audit_added <= 1
                && changes
                    .iter()
                    .all(|(t, _, _)| allowed(t, &["login_throttle"]))
        } else {
            changes.is_empty()
        };
        return if ok {
            Ok(Outcome::Refused)
        } else {
            Err(format!(
                "answer {status} refused the form, but the database changed: {}",
                describe()
            ))
        };
    }
    if status != done {
        return Err(format!("unexpected answer {status}"));
    }
    if form == Form::SignIn {
        let local = location
            .is_some_and(|l| l.starts_with('/') && !l.starts_with("//") && !l.contains('\\'));
        if !local {
            return Err(format!("sign-in redirects off the site: {location:?}"));
        }
    }
    if let Some((table, _, _)) = changes.iter().find(|(t, _, _)| !allowed(t, form.writes())) {
        return Err(format!(
            "{table} changed, which this form never writes: {}",
            describe()
        ));
    }
    if changes.is_empty() && !form.may_change_nothing() {
        return Err(format!("answered {status} (done), but nothing was saved"));
    }
    if !changes.is_empty() && form.writes_history() && changed("revisions").is_none() {
        return Err(format!(
            "a record changed without its history: {}",
            describe()
        ));
    }
    Ok(Outcome::Accepted)
}

// ---------------------------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------------------------

/// The app running on its own actix system in a background thread, so that the property (a
/// plain synchronous closure) can `block_on` HTTP requests from the test thread.
struct Served {
    app: Option<TestApp>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    fn start(backend: Backend) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                // Sign-in failures are part of the property: its own (highest) lock threshold
                // keeps a lock from turning every later case into the same refusal.
                let app = spawn_app_with(backend, |raw| raw.lockout_threshold = "100".into()).await;
                tx.send(app).expect("hand over the app");
                let _ = stopped.await;
            });
        });
        let app = rx.recv().expect("the app starts");
        Served {
            app: Some(app),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn app(&self) -> &TestApp {
        self.app.as_ref().expect("app")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Now the database (a PostgreSQL one is dropped with the app).
        self.app.take();
    }
}

/// Everything the cases share: signed-in clients and the records they act on.
struct Ctx<'a> {
    app: &'a TestApp,
    coordinator: reqwest::Client,
    admin: reqwest::Client,
    /// The incident that claims, verification, edits and merges act on.
    target: i64,
    convoy: i64,
    need: i64,
    /// A convoy whose trauma kits arrived, and that line's id, for deliveries to `need`.
    arrived: (i64, String),
    /// The account and organisation the administrator changes.
    user: i64,
    org: i64,
    serial: AtomicU64,
}

/// The id at the end of a redirect to a record (`/convoys/12?done=created`).
fn id_in(page: &Page) -> i64 {
    let location = page
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("a redirect: {} {}", page.status, page.body));
    location
        .split(['?', '#'])
        .next()
        .and_then(|p| p.rsplit('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a record's id in {location}"))
}

/// The first record reference (`INC-2026-000001`) on a page.
fn reference_on(page: &Page, prefix: &str) -> String {
    let at = page
        .body
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} reference"));
    page.body[at..at + prefix.len() + 12].to_string()
}

async fn convoy(app: &TestApp, c: &reqwest::Client) -> i64 {
    let made = post(app, c, "/convoys/new", "/convoys", &convoy_base()).await;
    assert_eq!(made.status, 303, "convoy: {}", made.body);
    id_in(&made)
}

async fn convoy_event(app: &TestApp, c: &reqwest::Client, id: i64, fields: &[(String, String)]) {
    let path = format!("/convoys/{id}");
    let done = post(app, c, &path, &format!("{path}/events"), fields).await;
    assert_eq!(done.status, 303, "event: {}", done.body);
}

async fn context(app: &TestApp, form: Form) -> Ctx<'_> {
    if form == Form::Setup {
        // Set-up is for an empty database: nothing is arranged.
        return Ctx {
            app,
            coordinator: client(),
            admin: client(),
            target: 0,
            convoy: 0,
            need: 0,
            arrived: (0, String::new()),
            user: 0,
            org: 0,
            serial: AtomicU64::new(0),
        };
    }
    seed_place(app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
    seed_place(app, "Damascus", "Dimashq", "Damascus", "Damascus");
    let coordinator = signed_in(app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    let admin = signed_in(app, "amal.admin", Role::Admin, "OCHA").await;
    app.seed_user("omar.reporter", Role::Reporter, "WHO");
    let user = app.seed_user("tariq.target", Role::Reporter, "WHO");
    let org = app.seed_org("Update Target Relief");
    let target = create_incident(app, &coordinator, &[]).await;
    let convoy_id = convoy(app, &coordinator).await;
    let made = post(app, &coordinator, "/needs/new", "/needs", &need_base()).await;
    assert_eq!(made.status, 303, "need: {}", made.body);
    let need = id_in(&made);
    // A convoy that arrived with its 40 trauma kits.
    let arrived = convoy(app, &coordinator).await;
    for status in ["notified", "approved", "en_route"] {
        convoy_event(
            app,
            &coordinator,
            arrived,
            &pairs(&[("status", status), ("occurred_on", "2018-02-26")]),
        )
        .await;
    }
    let page = app
        .get_with(&coordinator, &format!("/convoys/{arrived}"))
        .await;
    let lines: Vec<String> = page
        .body
        .match_indices("name=\"delivered_line\" value=\"")
        .map(|(i, m)| {
            let rest = &page.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    assert_eq!(lines.len(), 2, "two cargo lines");
    let mut delivered = pairs(&[("status", "delivered"), ("occurred_on", "2018-02-27")]);
    for (line, quantity) in lines.iter().zip(["40", "5000"]) {
        delivered.extend(pairs(&[
            ("delivered_line", line),
            ("delivered_quantity", quantity),
            ("removed_quantity", ""),
            ("removal_note", ""),
        ]));
    }
    convoy_event(app, &coordinator, arrived, &delivered).await;
    Ctx {
        app,
        coordinator,
        admin,
        target,
        convoy: convoy_id,
        need,
        arrived: (arrived, lines[0].clone()),
        user,
        org,
        serial: AtomicU64::new(0),
    }
}

/// One case ready to send: who sends it, the page its token comes from, where it goes, and
/// the valid form the generated edits change.
struct Prepared {
    client: reqwest::Client,
    page: String,
    path: String,
    base: Vec<(String, String)>,
}

/// The edit form of the record at `path`: `base` with one field changed and the version the
/// edit page holds now.
async fn edit_base(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    mut base: Vec<(String, String)>,
    (field, value): (&str, &str),
) -> Vec<(String, String)> {
    let version = app
        .get_with(c, &format!("{path}/edit"))
        .await
        .input_value("version");
    base.retain(|(k, _)| k != field);
    base.extend(pairs(&[(field, value), ("version", &version)]));
    base
}

/// Arranges what case `n` of `form` acts on (a fresh record or account where the form can
/// succeed only once on each).
async fn prepare(ctx: &Ctx<'_>, form: Form, n: u64) -> Prepared {
    let app = ctx.app;
    let show = format!("/incidents/{}", ctx.target);
    let user = format!("/admin/users/{}", ctx.user);
    let (coordinator, admin) = (ctx.coordinator.clone(), ctx.admin.clone());
    let prepared = |client: &reqwest::Client, page: &str, path: String, base| Prepared {
        client: client.clone(),
        page: page.to_string(),
        path,
        base,
    };
    match form {
        Form::SignIn => {
            // Where to go after signing in, off the site as often as not: every accepted
            // sign-in checks the redirect.
            let next = OFF_SITE[n as usize % OFF_SITE.len()];
            prepared(
                &client(),
                "/login",
                "/login".into(),
                pairs(&[
                    ("username", "omar.reporter"),
                    ("password", PASSWORD),
                    ("next", next),
                ]),
            )
        }
        Form::SignOut => {
            let c = app.signed_in("omar.reporter").await;
            prepared(&c, "/", "/logout".into(), Vec::new())
        }
        Form::Setup => {
            let link = app.setup_link.as_deref().expect("a set-up link");
            let token = link.split("token=").nth(1).expect("the link's token");
            prepared(
                &client(),
                "/login",
                "/setup".into(),
                pairs(&[
                    ("token", token),
                    ("org_name", "World Food Programme"),
                    ("org_acronym", "WFP"),
                    ("org_type", "un_agency"),
                    ("username", "amal.admin"),
                    ("display_name", "Amal Khatib"),
                    ("password", NEW_PASSWORD),
                    ("password_confirm", NEW_PASSWORD),
                ]),
            )
        }
        Form::PasswordChange => {
            let username = format!("pat.changer{n}");
            app.seed_user(&username, Role::Reporter, "WHO");
            let c = app.signed_in(&username).await;
            prepared(
                &c,
                "/account/password",
                "/account/password".into(),
                pairs(&[
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                    ("new_password_confirm", NEW_PASSWORD),
                ]),
            )
        }
        Form::LanguageChange => {
            let username = format!("lina.speaker{n}");
            app.seed_user(&username, Role::Reporter, "WHO");
            let c = app.signed_in(&username).await;
            prepared(
                &c,
                "/account/password",
                "/account/language".into(),
                pairs(&[("language", "ar-u-nu-arab")]),
            )
        }
        Form::UserCreate => prepared(
            &admin,
            "/admin/users/new",
            "/admin/users".into(),
            pairs(&[
                ("username", &format!("new.person{n}")),
                ("display_name", "New Person"),
                ("organization_id", &ctx.org.to_string()),
                ("role", "reporter"),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ]),
        ),
        Form::UserUpdate => prepared(
            &admin,
            &user,
            user.clone(),
            pairs(&[
                ("display_name", &format!("Tariq {n}")),
                ("organization_id", &ctx.org.to_string()),
                (
                    "role",
                    if n % 2 == 0 {
                        "coordinator"
                    } else {
                        "reporter"
                    },
                ),
            ]),
        ),
        Form::UserDisable | Form::UserEnable => {
            let id = app.seed_user(&format!("dana.toggled{n}"), Role::Reporter, "WHO");
            let path = format!("/admin/users/{id}");
            if form == Form::UserEnable {
                let off = app
                    .post_form_with(&admin, &path, &format!("{path}/disable"), &[])
                    .await;
                assert_eq!(off.status, 303, "disable: {}", off.body);
            }
            let action = if form == Form::UserEnable {
                "enable"
            } else {
                "disable"
            };
            prepared(&admin, &path, format!("{path}/{action}"), Vec::new())
        }
        Form::UserPassword => prepared(
            &admin,
            &user,
            format!("{user}/password"),
            pairs(&[
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ]),
        ),
        Form::UserUnlock => {
            // Locked first (the threshold is high: fail that many times from one client).
            let username = format!("lina.locked{n}");
            let id = app.seed_user(&username, Role::Reporter, "WHO");
            lock(app, &username);
            let path = format!("/admin/users/{id}");
            prepared(&admin, &path, format!("{path}/unlock"), Vec::new())
        }
        Form::OrganizationCreate => prepared(
            &admin,
            "/admin/organizations/new",
            "/admin/organizations".into(),
            pairs(&[
                ("name", &format!("Sahel Health Alliance {n}")),
                ("acronym", "SHA"),
                ("org_type", "national_ngo"),
            ]),
        ),
        Form::OrganizationLogo | Form::OrganizationLogoRemoval => {
            let path = format!("/admin/organizations/{}", ctx.org);
            let (action, fields) = match form {
                // Sent as a file part: `A_PHOTO` becomes a small JPEG.
                Form::OrganizationLogo => ("logo", pairs(&[("logo", A_PHOTO)])),
                _ => ("logo/removal", pairs(&[])),
            };
            prepared(&admin, &path, format!("{path}/{action}"), fields)
        }
        Form::OrganizationUpdate => {
            let path = format!("/admin/organizations/{}", ctx.org);
            prepared(
                &admin,
                &path,
                path.clone(),
                pairs(&[
                    ("name", &format!("Update Target Relief {n}")),
                    ("acronym", "UTR"),
                    ("org_type", "national_ngo"),
                ]),
            )
        }
        Form::IncidentCreate => prepared(
            &coordinator,
            "/incidents/new",
            "/incidents".into(),
            incident_form(&[]),
        ),
        Form::IncidentUpdate => {
            let edit = format!("{show}/edit");
            let version = app
                .get_with(&coordinator, &edit)
                .await
                .input_value("version");
            prepared(
                &coordinator,
                &edit,
                show.clone(),
                incident_form(&[("title", &format!("Edited {n}")), ("version", &version)]),
            )
        }
        Form::Claim => prepared(
            &coordinator,
            &show,
            format!("{show}/claims"),
            pairs(&[
                ("claim_source_type", "authorities"),
                ("claim_source_name", "Ministry"),
                ("claim_reliability", "F"),
                ("claim_credibility", "6"),
                ("claim_date", "2018-02-27"),
                ("claim_statement", "The government denies it."),
            ]),
        ),
        Form::Verification => {
            let to = if n % 2 == 0 { "disputed" } else { "confirmed" };
            prepared(
                &coordinator,
                &show,
                format!("{show}/verification"),
                pairs(&[("verification", to), ("reason", "Two sources agree.")]),
            )
        }
        Form::Retraction | Form::Merge => {
            // A fresh incident each time: each can be retracted or merged once.
            let id = create_incident(app, &coordinator, &[]).await;
            let page = format!("/incidents/{id}");
            let (path, base) = if form == Form::Retraction {
                (
                    format!("{page}/retraction"),
                    pairs(&[("reason", "Duplicate of another record.")]),
                )
            } else {
                let kept = reference_on(&app.get_with(&coordinator, &show).await, "INC-");
                (
                    format!("{page}/merge"),
                    pairs(&[
                        ("merge_into", &kept),
                        ("merge_reason", "Same convoy, same day."),
                    ]),
                )
            };
            prepared(&coordinator, &page, path, base)
        }
        Form::ConvoyCreate => prepared(
            &coordinator,
            "/convoys/new",
            "/convoys".into(),
            convoy_base(),
        ),
        Form::ConvoyUpdate => {
            let path = format!("/convoys/{}", ctx.convoy);
            let base = edit_base(
                app,
                &coordinator,
                &path,
                convoy_base(),
                ("route", &format!("Route {n}")),
            )
            .await;
            prepared(&coordinator, &format!("{path}/edit"), path, base)
        }
        Form::ConvoyEvent => {
            let id = convoy(app, &coordinator).await;
            let path = format!("/convoys/{id}");
            prepared(
                &coordinator,
                &path,
                format!("{path}/events"),
                pairs(&[
                    ("status", "notified"),
                    ("occurred_on", "2018-02-26"),
                    ("occurred_time", ""),
                    ("place", ""),
                    ("note", "Notified in writing."),
                ]),
            )
        }
        Form::Delivery => {
            let (id, line) = &ctx.arrived;
            let path = format!("/convoys/{id}");
            prepared(
                &coordinator,
                &path,
                format!("{path}/deliveries"),
                pairs(&[
                    ("cargo_line", line),
                    ("need", &ctx.need.to_string()),
                    ("quantity", "1"),
                ]),
            )
        }
        Form::ConvoyLink => {
            let id = create_incident(app, &coordinator, &[]).await;
            let reference = reference_on(
                &app.get_with(&coordinator, &format!("/incidents/{id}"))
                    .await,
                "INC-",
            );
            let path = format!("/convoys/{}", ctx.convoy);
            prepared(
                &coordinator,
                &path,
                format!("{path}/incidents"),
                pairs(&[("incident_reference", &reference)]),
            )
        }
        Form::NeedCreate => prepared(&coordinator, "/needs/new", "/needs".into(), need_base()),
        Form::NeedUpdate => {
            let path = format!("/needs/{}", ctx.need);
            let base = edit_base(
                app,
                &coordinator,
                &path,
                need_base(),
                ("notes", &format!("Note {n}")),
            )
            .await;
            prepared(&coordinator, &format!("{path}/edit"), path, base)
        }
        Form::ReportSummary => prepared(
            &coordinator,
            "/reports/situation?from=2018-01-01&to=2018-12-31",
            "/reports/summary".into(),
            pairs(&[
                ("from", "2018-01-01"),
                ("to", "2018-12-31"),
                ("audience", "internal"),
                ("verification", "corroborated"),
                ("summary", &format!("Access worsened in week {n}.")),
            ]),
        ),
        Form::ApiTokenIssue => {
            let expires = corridor::audit::now().date() + chrono::TimeDelta::days(30);
            prepared(
                &admin,
                "/admin/api-tokens",
                "/admin/api-tokens".into(),
                pairs(&[
                    ("name", &format!("Partner dashboard {n}")),
                    ("scope", "partner"),
                    ("organization_id", &ctx.org.to_string()),
                    ("expires_on", &expires.format("%Y-%m-%d").to_string()),
                    ("rate_per_minute", "600"),
                ]),
            )
        }
        Form::ApiTokenRevoke => {
            // A fresh token each time: a token is revoked once.
            let db = app.db();
            let mut conn = db.conn().expect("conn");
            let new = corridor::api::tokens::NewToken {
                name: format!("To revoke {n}"),
                scope: corridor::api::TokenScope::Public,
                organization_id: ctx.org,
                expires_at: corridor::audit::now() + chrono::TimeDelta::days(30),
                rate_per_minute: 600,
            };
            let actor = corridor::audit::Actor::system("test");
            let (token, _) = corridor::audit::write(&mut conn, |conn| {
                corridor::api::tokens::issue(conn, &actor, ctx.user, &new)
            })
            .expect("a token to revoke");
            prepared(
                &admin,
                "/admin/api-tokens",
                "/admin/api-tokens/revoke".into(),
                pairs(&[("token_id", &token.id.to_string())]),
            )
        }
        Form::IncidentFiles | Form::ConvoyFiles | Form::NeedFiles => {
            let record = match form {
                Form::IncidentFiles => show,
                Form::ConvoyFiles => format!("/convoys/{}", ctx.convoy),
                _ => format!("/needs/{}", ctx.need),
            };
            let files = format!("{record}/files");
            prepared(
                &coordinator,
                &files,
                files.clone(),
                pairs(&[
                    ("caption", "The checkpoint, from the first truck"),
                    ("made_on", "2018-02-26"),
                    ("sensitivity", ""),
                    ("part", ""),
                    // Sent as a file part: `A_PHOTO` becomes a small JPEG, anything else is
                    // sent as the file's bytes as it is.
                    ("files", A_PHOTO),
                ]),
            )
        }
        Form::FileRetraction | Form::FilePurge => {
            // A fresh file each time: a file is retracted, or purged, once.
            let photo = crate::evidence::jpeg(&format!("hostile case {n}"));
            let up =
                crate::evidence::upload(app, &coordinator, &show, &[], &[("case.jpg", &photo)])
                    .await;
            assert_eq!(up.status, 303, "a file to act on: {}", up.body);
            let file = last_file(app);
            if form == Form::FileRetraction {
                prepared(
                    &coordinator,
                    &format!("{show}/files"),
                    format!("/files/{file}/retraction"),
                    pairs(&[("reason", "Attached to the wrong record.")]),
                )
            } else {
                prepared(
                    &admin,
                    &format!("/files/{file}/purge"),
                    format!("/files/{file}/purge"),
                    pairs(&[(
                        "reason",
                        "Court order 12/2026: the person shown is at risk.",
                    )]),
                )
            }
        }
        Form::PlaceUpdate => {
            // Douma, the first place of the context.
            let path = "/places/1".to_string();
            let base = edit_base(
                app,
                &coordinator,
                &path,
                pairs(&[
                    ("name_text", "Douma"),
                    ("name_language", "en"),
                    ("name_preferred", "0"),
                    ("name_text", "دوما"),
                    ("name_language", "ar"),
                    ("kind", "town"),
                    ("country_code", "SY"),
                    ("admin1", "Rural Damascus"),
                    ("admin2", "Duma"),
                    ("pcode", ""),
                    ("latitude", "33.57"),
                ]),
                ("longitude", &format!("36.{n}")),
            )
            .await;
            prepared(&coordinator, &format!("{path}/edit"), path, base)
        }
        Form::PlaceMerge => {
            // A fresh duplicate each time: a place is merged once.
            let id = seed_place(app, &format!("Doumah {n}"), "", "Rural Damascus", "Duma");
            let path = format!("/places/{id}");
            prepared(
                &coordinator,
                &path,
                format!("{path}/merge"),
                pairs(&[("merge_into", "1"), ("merge_reason", "Same town.")]),
            )
        }
        Form::SearchCreate => prepared(
            &coordinator,
            "/searches/new?kind=incidents&query=category%3Dmovement_restriction",
            "/searches".into(),
            pairs(&[
                ("name", &format!("Movement restrictions {n}")),
                ("kind", "incidents"),
                ("query", "category=movement_restriction"),
            ]),
        ),
        Form::SearchDelete | Form::Subscribe => {
            // A fresh search each time: a search is deleted once.
            let search = saved_search(app, &coordinator, n).await;
            if form == Form::SearchDelete {
                prepared(&coordinator, &search, format!("{search}/delete"), vec![])
            } else {
                prepared(
                    &coordinator,
                    &search,
                    format!("{search}/subscriptions"),
                    pairs(&[
                        ("channel", "webhook"),
                        ("url", "https://receiver.example.org/hooks/corridor"),
                        ("email", ""),
                        ("frequency", "immediate"),
                    ]),
                )
            }
        }
        Form::SubscriptionRevoke | Form::SubscriptionTest => {
            // A fresh webhook each time: a subscription is revoked once. (No delivery worker
            // runs here: a test message is only queued.)
            let search = saved_search(app, &coordinator, n).await;
            let made = post(
                app,
                &coordinator,
                &search,
                &format!("{search}/subscriptions"),
                &pairs(&[
                    ("channel", "webhook"),
                    ("url", "https://receiver.example.org/hooks/corridor"),
                ]),
            )
            .await;
            assert_eq!(made.status, 200, "subscription: {}", made.body);
            let page = app.get_with(&coordinator, &search).await;
            let at = page.body.find("/subscriptions/").expect("a subscription");
            let id: String = page.body[at + "/subscriptions/".len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let action = if form == Form::SubscriptionRevoke {
                "revoke"
            } else {
                "test"
            };
            prepared(
                &coordinator,
                &search,
                format!("/subscriptions/{id}/{action}"),
                vec![],
            )
        }
    }
}

/// A saved search of `c`'s; returns its page.
async fn saved_search(app: &TestApp, c: &reqwest::Client, n: u64) -> String {
    let made = post(
        app,
        c,
        "/searches/new?kind=incidents",
        "/searches",
        &pairs(&[
            ("name", &format!("Search {n}")),
            ("kind", "incidents"),
            ("query", ""),
        ]),
    )
    .await;
    assert_eq!(made.status, 303, "search: {}", made.body);
    made.location.expect("the search's page")
}

/// The value of the `files` field that stands for a real photo.
const A_PHOTO: &str = "(a photo)";

/// The newest evidence file's id.
fn last_file(app: &TestApp) -> i64 {
    use corridor::db::schema::evidence_files as f;
    use diesel::{QueryDsl, RunQueryDsl};
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    f::table
        .select(diesel::dsl::max(f::id))
        .first::<Option<i64>>(&mut *conn)
        .expect("max id")
        .expect("a file")
}

/// Locks sign-in to `username`'s account for an hour, as many failures would.
fn lock(app: &TestApp, username: &str) {
    use corridor::db::schema::login_throttle as t;
    use diesel::{ExpressionMethods, RunQueryDsl};
    let now = corridor::audit::now();
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    diesel::insert_into(t::table)
        .values((
            t::throttle_key.eq(corridor::accounts::throttle::account_key(username)),
            t::failures.eq(1000),
            t::last_failure_at.eq(now),
            t::locked_until.eq(Some(now + chrono::TimeDelta::hours(1))),
        ))
        .execute(&mut *conn)
        .expect("lock the account");
}

/// A single number from the database (`sql` selects one BIGINT column named `n`).
fn scalar(app: &TestApp, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    diesel::sql_query(sql)
        .get_result::<N>(&mut *conn)
        .expect("scalar")
        .n
}

/// The body of a valid form with `edits` applied, with the CSRF token first.
fn body(form: Form, token: &str, base: Vec<(String, String)>, edits: &[Edit]) -> Vec<u8> {
    let mut fields: Vec<(String, Value)> =
        std::iter::once(("csrf_token".to_string(), token.to_string()))
            .chain(base)
            .map(|(k, v)| (k, Value::Text(v)))
            .collect();
    for edit in edits {
        match edit {
            Edit::Missing(name) => fields.retain(|(k, _)| k != name),
            Edit::Set(name, values) => {
                fields.retain(|(k, _)| k != name);
                fields.extend(values.iter().map(|v| (name.to_string(), v.clone())));
            }
        }
    }
    if form.multipart() {
        return multipart(fields);
    }
    let mut out = Vec::new();
    for (k, v) in fields {
        if !out.is_empty() {
            out.push(b'&');
        }
        out.extend_from_slice(corridor::web::urlencode(&k).as_bytes());
        out.push(b'=');
        match v {
            Value::Text(t) => out.extend_from_slice(corridor::web::urlencode(&t).as_bytes()),
            Value::PercentBadUtf8 => out.extend_from_slice(b"%FF%FE"),
            Value::RawBadUtf8 => out.extend_from_slice(&[0xFF, 0xFE, b'x']),
        }
    }
    out
}

const BOUNDARY: &str = "----hostile-boundary-9QzX4v";
/// The fields of the upload forms that carry a file.
const FILE_FIELDS: [&str; 2] = ["files", "logo"];

/// The fields as `multipart/form-data`, the `files` and `logo` fields as file parts.
fn multipart(fields: Vec<(String, Value)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        let bytes = match v {
            // A logo is decoded and drawn anew: it must be a real picture to be taken.
            Value::Text(t) if k == "logo" && t == A_PHOTO => {
                crate::evidence_photos::photo_with_gps()
            }
            Value::Text(t) if k == "files" && t == A_PHOTO => {
                crate::evidence::jpeg("checkpoint photo")
            }
            Value::Text(t) => t.into_bytes(),
            Value::PercentBadUtf8 => b"%FF%FE".to_vec(),
            Value::RawBadUtf8 => vec![0xFF, 0xFE, b'x'],
        };
        let head = if FILE_FIELDS.contains(&k.as_str()) {
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
        } else {
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n")
        };
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(&bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn send(app: &TestApp, c: &reqwest::Client, form: Form, path: &str, body: Vec<u8>) -> Page {
    let content_type = if form.multipart() {
        format!("multipart/form-data; boundary={BOUNDARY}")
    } else {
        "application/x-www-form-urlencoded".to_string()
    };
    let res = c
        .post(app.url(path))
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = res.text().await.unwrap_or_default();
    Page {
        status,
        location,
        headers,
        body,
    }
}

/// Posts one generated case to `form` and checks the answer and the whole database.
async fn run_case(ctx: &Ctx<'_>, form: Form, edits: &[Edit]) -> Result<Outcome, String> {
    let app = ctx.app;
    let n = ctx.serial.fetch_add(1, Ordering::Relaxed);
    let case = prepare(ctx, form, n).await;
    let token_page = app.get_with(&case.client, &case.page).await;
    if token_page.status != 200 {
        return Err(format!(
            "form page {} answered {}",
            case.page, token_page.status
        ));
    }
    let before = app.dump();
    let answer = send(
        app,
        &case.client,
        form,
        &case.path,
        body(form, &token_page.csrf(), case.base, edits),
    )
    .await;
    let after = app.dump();
    check(
        form,
        answer.status,
        answer.location.as_deref(),
        &before,
        &after,
    )
    .map_err(|e| {
        let excerpt: String = answer.body.chars().take(600).collect();
        format!("POST {}: {e}\n--- answer body ---\n{excerpt}", case.path)
    })
}

/// Generated cases per form and backend: `CASES`, or `PROPTEST_CASES` when set.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES)
}

/// Of every form's cases, at least this many must be accepted and this many refused: were the
/// valid form or its token broken, every case would be refused and prove nothing.
const MIN_EACH: usize = 4;

/// Runs the generated cases against one app on `backend`; shrinks and panics on failure. A
/// failing case is saved on this machine under `target/hostile-regressions/` and replayed first
/// on the next run, until it passes (CI replays its fixed seed, see `.ci/run`).
fn property(backend: Backend, form: Form) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let served = Served::start(backend);
    let ctx = rt.block_on(context(served.app(), form));
    let saved: &'static str =
        Box::leak(format!("target/hostile-regressions/{form:?}.txt").into_boxed_str());
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(saved))),
        max_shrink_iters: 256,
        ..Config::default()
    });
    let outcomes = std::sync::Mutex::new(Vec::new());
    let result = runner.run(&edits(form.fields()), |case| {
        let outcome = rt
            .block_on(run_case(&ctx, form, &case))
            .map_err(TestCaseError::fail)?;
        outcomes.lock().unwrap().push(outcome);
        Ok(())
    });
    drop(ctx);
    drop(served);
    if let Err(e) = result {
        panic!("{form:?} form on {backend:?}: {e}");
    }
    let outcomes = outcomes.into_inner().unwrap();
    let count = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    let (accepted, refused) = (count(Outcome::Accepted), count(Outcome::Refused));
    // (Fewer when fewer cases are asked for; set-up succeeds once only.)
    let least = MIN_EACH.min(outcomes.len() / 8).max(1);
    let wanted = if form == Form::Setup { 1 } else { least };
    assert!(
        accepted >= wanted && refused >= least,
        "{form:?} on {backend:?}: {accepted} accepted and {refused} refused of {} cases",
        outcomes.len()
    );
}

macro_rules! hostile_forms {
    ($($name:ident => $form:expr,)*) => {
        /// The forms that have a property below.
        const FUZZED: &[Form] = &[$($form),*];

        $(
            mod $name {
                use super::*;

                #[test]
                fn sqlite() {
                    property(Backend::Sqlite, $form);
                }

                #[cfg_attr(
                    not(corridor_test_postgres),
                    ignore = "needs CORRIDOR_TEST_POSTGRES_URL (a PostgreSQL server)"
                )]
                #[test]
                fn postgres() {
                    property(Backend::Postgres, $form);
                }
            }
        )*
    };
}

hostile_forms! {
    sign_in_never_fails_or_half_writes => Form::SignIn,
    sign_out_never_fails_or_half_writes => Form::SignOut,
    setup_never_fails_or_half_writes => Form::Setup,
    password_change_never_fails_or_half_writes => Form::PasswordChange,
    language_change_never_fails_or_half_writes => Form::LanguageChange,
    user_create_never_fails_or_half_writes => Form::UserCreate,
    user_update_never_fails_or_half_writes => Form::UserUpdate,
    user_disable_never_fails_or_half_writes => Form::UserDisable,
    user_enable_never_fails_or_half_writes => Form::UserEnable,
    user_password_never_fails_or_half_writes => Form::UserPassword,
    user_unlock_never_fails_or_half_writes => Form::UserUnlock,
    organization_create_never_fails_or_half_writes => Form::OrganizationCreate,
    organization_update_never_fails_or_half_writes => Form::OrganizationUpdate,
    organization_logo_never_fails_or_half_writes => Form::OrganizationLogo,
    organization_logo_removal_never_fails_or_half_writes => Form::OrganizationLogoRemoval,
    incident_create_never_fails_or_half_writes => Form::IncidentCreate,
    incident_update_never_fails_or_half_writes => Form::IncidentUpdate,
    claim_never_fails_or_half_writes => Form::Claim,
    verification_never_fails_or_half_writes => Form::Verification,
    retraction_never_fails_or_half_writes => Form::Retraction,
    merge_never_fails_or_half_writes => Form::Merge,
    convoy_create_never_fails_or_half_writes => Form::ConvoyCreate,
    convoy_update_never_fails_or_half_writes => Form::ConvoyUpdate,
    convoy_event_never_fails_or_half_writes => Form::ConvoyEvent,
    delivery_never_fails_or_half_writes => Form::Delivery,
    convoy_link_never_fails_or_half_writes => Form::ConvoyLink,
    need_create_never_fails_or_half_writes => Form::NeedCreate,
    need_update_never_fails_or_half_writes => Form::NeedUpdate,
    api_token_issue_never_fails_or_half_writes => Form::ApiTokenIssue,
    api_token_revoke_never_fails_or_half_writes => Form::ApiTokenRevoke,
    incident_files_never_fail_or_half_write => Form::IncidentFiles,
    convoy_files_never_fail_or_half_write => Form::ConvoyFiles,
    need_files_never_fail_or_half_write => Form::NeedFiles,
    file_retraction_never_fails_or_half_writes => Form::FileRetraction,
    file_purge_never_fails_or_half_writes => Form::FilePurge,
    report_summary_never_fails_or_half_writes => Form::ReportSummary,
    place_update_never_fails_or_half_writes => Form::PlaceUpdate,
    place_merge_never_fails_or_half_writes => Form::PlaceMerge,
    search_create_never_fails_or_half_writes => Form::SearchCreate,
    search_delete_never_fails_or_half_writes => Form::SearchDelete,
    subscribe_never_fails_or_half_writes => Form::Subscribe,
    subscription_revoke_never_fails_or_half_writes => Form::SubscriptionRevoke,
    subscription_test_never_fails_or_half_writes => Form::SubscriptionTest,
}

/// Every POST route of the route table has its form above, and its property: a new route
/// fails here until it is fuzzed too.
#[test]
fn every_post_route_is_fuzzed() {
    let posts: Vec<&str> = ROUTES
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    for path in &posts {
        let form = Form::ALL.iter().find(|f| f.route() == *path);
        let form = form.unwrap_or_else(|| panic!("POST {path} has no hostile-input form"));
        assert!(FUZZED.contains(form), "{form:?} has no property");
    }
    assert_eq!(
        posts.len(),
        Form::ALL.len(),
        "a form for a route that is gone"
    );
    assert_eq!(FUZZED.len(), Form::ALL.len());
}

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

const SCRIPT: &str = "<script>alert(\"x\")</script>";
const BREAKOUT: &str = "\"><b>bold</b>";

fn assert_escaped(page: &Page, what: &str) {
    assert_eq!(page.status, 200, "{what}: {}", page.body);
    assert!(
        !page.body.contains("<script>alert"),
        "{what}: raw <script> on the page"
    );
    assert!(
        !page.body.contains("<b>bold</b>"),
        "{what}: raw <b> on the page"
    );
    // askama writes `<` and `>` as named or numeric character references, depending on version.
    let escaped =
        |named: &str, numeric: &str| page.body.contains(named) || page.body.contains(numeric);
    assert!(
        escaped("&lt;script&gt;", "&#60;script&#62;"),
        "{what}: escaped <script> not shown"
    );
    assert!(
        escaped("&lt;b&gt;bold&lt;/b&gt;", "&#60;b&#62;bold&#60;/b&#62;"),
        "{what}: escaped <b> not shown"
    );
}

/// Every string anywhere in a JSON document.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

both_backends! {
    async fn html_in_every_text_field_is_escaped_on_pages_and_verbatim_in_exports(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        seed_place(&app, "Damascus", "", "Damascus", "Damascus");
        let text = format!("Hostile {SCRIPT} {BREAKOUT}");
        let t = text.as_str();
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let admin = signed_in(&app, "amal.admin", Role::Admin, "OCHA").await;
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;

        let id = create_incident(&app, &coordinator, &[
            ("title", t), ("narrative", t), ("perpetrator_name", t),
            ("claim_statement", t), ("claim_source_name", t),
        ]).await;
        let mut convoy = convoy_base();
        for (k, v) in convoy.iter_mut() {
            if k == "route" || k == "notes" || k == "line_item" {
                *v = text.clone();
            }
        }
        let made = post(&app, &coordinator, "/convoys/new", "/convoys", &convoy).await;
        assert_eq!(made.status, 303, "convoy: {}", made.body);
        let convoy_path = made.location.unwrap().split(['?', '#']).next().unwrap().to_string();
        let mut need = need_base();
        for (k, v) in need.iter_mut() {
            if k == "facility_name" || k == "notes" {
                *v = text.clone();
            }
        }
        let made = post(&app, &coordinator, "/needs/new", "/needs", &need).await;
        assert_eq!(made.status, 303, "need: {}", made.body);
        let need_path = made.location.unwrap().split(['?', '#']).next().unwrap().to_string();
        let org = app.post_form_with(&admin, "/admin/organizations/new", "/admin/organizations", &[
            ("name", t), ("acronym", "HX"), ("org_type", "national_ngo"),
        ]).await;
        assert_eq!(org.status, 303, "organisation: {}", org.body);

        for path in [
            format!("/incidents/{id}"),
            "/incidents".to_string(),
            format!("/incidents/{id}/history"),
            "/".to_string(),
            convoy_path.clone(),
            need_path.clone(),
            "/reports/situation?from=2018-01-01&to=2018-12-31".to_string(),
        ] {
            assert_escaped(&app.get_with(&coordinator, &path).await, &path);
        }
        assert_escaped(&app.get_with(&admin, "/admin/organizations").await, "/admin/organizations");
        // The organisation's audit event records its name; an incident's records only codes
        // and its reference, so there the text must simply never appear raw.
        for (action, shows_text) in [("organization.create", true), ("incident.create", false)] {
            let event = scalar(&app, &format!(
                "SELECT MAX(id) AS n FROM audit_events WHERE action = '{action}'"
            ));
            let path = format!("/audit/{event}");
            let page = app.get_with(&auditor, &path).await;
            if shows_text {
                assert_escaped(&page, &format!("{path} ({action})"));
            } else {
                assert_eq!(page.status, 200);
                assert!(!page.body.contains("<script>alert") && !page.body.contains("<b>bold</b>"), "{path}");
            }
        }

        // Data files carry the text as it was typed.
        let csv = app.get_with(&coordinator, "/exports/incidents.csv").await;
        assert_eq!(csv.status, 200);
        assert!(!csv.body.contains("&lt;") && !csv.body.contains("&#60;"), "CSV is not HTML-escaped");
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.expect("CSV row").iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert!(cells.iter().any(|c| c == t), "CSV holds the title verbatim: {}", csv.body);
        let json = app.get_with(&coordinator, "/exports/incidents.json").await;
        assert_eq!(json.status, 200);
        assert!(!json.body.contains("&lt;") && !json.body.contains("&#60;"), "JSON is not HTML-escaped");
        let doc: serde_json::Value = serde_json::from_str(&json.body).expect("JSON export parses");
        let mut all = Vec::new();
        strings(&doc, &mut all);
        let verbatim = all.iter().filter(|s| s.as_str() == t).count();
        assert!(verbatim >= 2, "JSON holds the text verbatim (title, narrative, …): {}", json.body);
    }
}
