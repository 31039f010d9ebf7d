//! Writing incidents. Every function here runs inside `audit::write` and, with the change,
//! writes a revision, the search index entry and an audit event: all kept, or none.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde_json::json;

use crate::accounts::Organization;
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::db::schema::{claims, convoy_incidents, incidents, organizations};
use crate::db::{nested, DbConn};
use crate::domain::vocab::Verification;
use crate::domain::FieldErrors;
use crate::domain::IncidentId;
use crate::error::AppError;
use crate::incidents::fields::{ClaimFields, IncidentFields, PlaceInput};
use crate::incidents::model::Incident;
use crate::incidents::search;
use crate::locations::{self, Location};
use crate::permissions::{self, RecordFacts, Viewer};
use crate::references;

use super::Author;
use crate::incidents::Claim;
use crate::revisions::{self, NewRevision, Revision};

/// The columns an incident's form sets, as `.eq()` pairs for both insert and update (written
/// once, so the two can never drift apart).
macro_rules! described_columns {
    ($f:expr, $location:expr) => {
        (
            incidents::title.eq(&$f.title),
            incidents::narrative.eq(&$f.narrative),
            incidents::category.eq($f.category.code()),
            incidents::attack_types.eq(codes(&$f.attack_types, |t| t.code())),
            incidents::resources_affected.eq(codes(&$f.resources, |t| t.code())),
            incidents::occurred_on.eq($f.occurred_on),
            incidents::time_precision.eq($f.time_precision.code()),
            incidents::occurred_time.eq(&$f.occurred_time),
            incidents::reported_on.eq($f.reported_on),
            incidents::location_id.eq($location.id),
            incidents::location_precision.eq($f.location_precision.code()),
            incidents::perpetrator_type.eq($f.perpetrator_type.code()),
            incidents::perpetrator_name.eq(&$f.perpetrator_name),
            incidents::figures_qualifier.eq($f.figures_qualifier.code()),
            incidents::figures_scope.eq($f.figures_scope.code()),
            incidents::figures_area_period.eq(&$f.figures_area_period),
            incidents::event_tags.eq(codes(&$f.event_tags, |t| t.code())),
        )
    };
}

/// The eleven victim and impact counts, in `model::COUNT_FIELDS` order.
macro_rules! count_columns {
    ($c:expr) => {
        (
            incidents::civilians_killed.eq($c[0]),
            incidents::civilians_injured.eq($c[1]),
            incidents::aid_killed_national.eq($c[2]),
            incidents::aid_killed_international.eq($c[3]),
            incidents::aid_injured_national.eq($c[4]),
            incidents::aid_injured_international.eq($c[5]),
            incidents::aid_kidnapped_national.eq($c[6]),
            incidents::aid_kidnapped_international.eq($c[7]),
            incidents::aid_detained_national.eq($c[8]),
            incidents::aid_detained_international.eq($c[9]),
            incidents::people_affected.eq($c[10]),
        )
    };
}

/// An incident with its place and reporting organisation.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub incident: Incident,
    pub location: Location,
    pub organization: Organization,
}

impl Loaded {
    pub fn facts(&self) -> RecordFacts {
        facts(&self.incident)
    }
}

pub fn facts(i: &Incident) -> RecordFacts {
    RecordFacts {
        organization_id: i.organization_id,
        sensitivity: i.sensitivity(),
        status: i.status(),
        verification: i.verification(),
        retracted: i.is_retracted() || i.is_merged(),
    }
}

/// The statement that reads incident `$id` with its place and organisation, and the columns
/// `$more` after them, as a tuple: the one way an incident is read whole, with or without
/// its page's counts.
macro_rules! incident_with {
    ($id:expr $(, $more:expr)*) => {
        incidents::table
            .inner_join(crate::db::schema::locations::table)
            .inner_join(organizations::table)
            .filter(incidents::id.eq($id))
            .select((
                Incident::as_select(),
                Location::as_select(),
                Organization::as_select(),
                $($more,)*
            ))
    };
}

/// An incident whoever asks: for writes and the records core only.
pub(in crate::records) fn find(conn: &mut DbConn, id: i64) -> Result<Loaded, AppError> {
    // One statement, not three, on the backend's own connection (`on_backend!`): every page
    // of an incident starts here.
    let (incident, location, organization) = crate::on_backend!(conn, |c| incident_with!(id)
        .get_result::<(Incident, Location, Organization)>(c))?;
    Ok(Loaded {
        incident,
        location,
        organization,
    })
}

/// An incident's claims, oldest first (by their date, then as recorded): every one, whoever
/// may read it (the records core scopes them).
macro_rules! claims_in_order {
    ($incident_id:expr) => {
        $crate::db::schema::claims::table
            .filter($crate::db::schema::claims::incident_id.eq($incident_id))
            .order((
                $crate::db::schema::claims::claimed_on.asc(),
                $crate::db::schema::claims::id.asc(),
            ))
            .select($crate::incidents::Claim::as_select())
    };
}
pub(in crate::records) use claims_in_order;

/// What the incident page reads with the record, whoever may see it (the page shows what the
/// viewer may, and how many more): how many convoys name it as obstructing them and how many
/// duplicates were merged into it, and on PostgreSQL its claims and latest revisions.
#[derive(Debug)]
pub struct LinkCounts {
    pub convoys: i64,
    pub duplicates: i64,
    /// On PostgreSQL, read in the record's own statement (two round trips fewer); on SQLite,
    /// which has none to save, `None`: the page reads them with statements of their own.
    pub along: Option<ReadAlong>,
}

/// An incident's claims as [`claims_in_order!`] reads them, and its newest revisions, newest
/// first.
#[derive(Debug)]
pub struct ReadAlong {
    pub claims: Vec<Claim>,
    pub newest_revisions: Vec<Revision>,
}

/// [`find_visible`] with the incident's [`LinkCounts`], for its page, in the same statement: a
/// statement fewer is a round trip fewer on PostgreSQL, and most incidents have neither, so
/// the page asks nothing more. `revisions`: how many of the newest the page needs.
pub(in crate::records) fn find_visible_with_link_counts(
    conn: &mut DbConn,
    id: i64,
    viewer: Viewer,
    revisions: i64,
) -> Result<(Loaded, LinkCounts), AppError> {
    diesel::alias!(incidents as duplicates: Duplicates);
    macro_rules! with_counts {
        ($($more:expr),*) => {
            incident_with!(
                id,
                convoy_incidents::table
                    .filter(convoy_incidents::incident_id.eq(id))
                    .count()
                    .single_value(),
                duplicates
                    .filter(duplicates.field(incidents::merged_into).eq(id))
                    .count()
                    .single_value()
                $(, $more)*
            )
        };
    }
    let (incident, location, organization, convoys, merged, along) = match conn {
        DbConn::Sqlite(c) => {
            let (i, l, o, convoys, merged) =
                with_counts!()
                    .get_result::<(Incident, Location, Organization, Option<i64>, Option<i64>)>(
                        c,
                    )?;
            (i, l, o, convoys, merged, None)
        }
        DbConn::Pg(c) => {
            let (i, l, o, convoys, merged, claims, newest) = with_counts!(
                nested::rows_of::<Claim, _>(claims_in_order!(id)),
                nested::rows_of::<Revision, _>(
                    revisions::newest_first!("incident", id).limit(revisions)
                )
            )
            .get_result::<(
                Incident,
                Location,
                Organization,
                Option<i64>,
                Option<i64>,
                nested::Rows<Claim>,
                nested::Rows<Revision>,
            )>(c)?;
            // PostgreSQL hands a sorted subquery's rows on in order in practice, but promises
            // it nowhere: sorted again here, as each statement of its own would have them
            // (the page's history takes the oldest of them as the one before those it shows).
            let (mut claims, mut newest) = (claims.0, newest.0);
            claims.sort_by_key(|c| (c.claimed_on, c.id));
            newest.sort_by_key(|r| std::cmp::Reverse(r.revision_no));
            let along = ReadAlong {
                claims,
                newest_revisions: newest,
            };
            (i, l, o, convoys, merged, Some(along))
        }
    };
    let loaded = visible(
        Loaded {
            incident,
            location,
            organization,
        },
        viewer,
    )?;
    let counts = LinkCounts {
        convoys: convoys.unwrap_or(0),
        duplicates: merged.unwrap_or(0),
        along,
    };
    Ok((loaded, counts))
}

/// The incidents `ids` names that exist, in the order of `ids`: three queries however many.
pub(in crate::records) fn find_many(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<Vec<Loaded>, AppError> {
    let found: Vec<Incident> = incidents::table
        .filter(crate::db::one_of(incidents::id, ids))
        .select(Incident::as_select())
        .load(conn)?;
    let place_ids: Vec<i64> = found.iter().map(|i| i.location_id).collect();
    let places = locations::find_many(conn, &place_ids)?;
    let org_ids: Vec<i64> = found.iter().map(|i| i.organization_id).collect();
    let orgs: HashMap<i64, Organization> = organizations::table
        .filter(crate::db::one_of(organizations::id, &org_ids))
        .select(Organization::as_select())
        .load::<Organization>(conn)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut by_id: HashMap<i64, Incident> = found.into_iter().map(|i| (i.id, i)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| {
            let incident = by_id.remove(id)?;
            Some(Loaded {
                location: places.get(&incident.location_id)?.clone(),
                organization: orgs.get(&incident.organization_id)?.clone(),
                incident,
            })
        })
        .collect())
}

/// An incident the viewer may see, or 404 (for writes; pages read through `records::incidents`).
pub(in crate::records) fn find_visible(
    conn: &mut DbConn,
    id: i64,
    viewer: Viewer,
) -> Result<Loaded, AppError> {
    visible(find(conn, id)?, viewer)
}

/// `loaded` if `viewer` may see it, else not found (a hidden record does not exist for them):
/// the one check of every read of an incident whole.
fn visible(loaded: Loaded, viewer: Viewer) -> Result<Loaded, AppError> {
    if permissions::can_view_record(viewer, loaded.facts()) {
        Ok(loaded)
    } else {
        Err(AppError::NotFound)
    }
}

/// The incident a person typed the reference of (any case, spaces around), if it exists and
/// `viewer` may see it (for writes; pages read through `records::incidents`).
pub(in crate::records) fn find_visible_by_reference(
    conn: &mut DbConn,
    typed: &str,
    viewer: Viewer,
) -> Result<Option<Loaded>, AppError> {
    let id: Option<i64> = incidents::table
        .filter(incidents::reference.eq(crate::references::normalize(typed)))
        .select(incidents::id)
        .get_result(conn)
        .optional()?;
    match id.map(|id| find_visible(conn, id, viewer)) {
        None | Some(Err(AppError::NotFound)) => Ok(None),
        Some(found) => found.map(Some),
    }
}

/// Finds or creates the incident's place (see `places::place_for`), noting a problem under
/// `location`.
fn place(
    conn: &mut Tx<'_>,
    author: &Author,
    input: &PlaceInput,
    record: RecordFacts,
    errors: &mut FieldErrors,
) -> Result<Option<Location>, AppError> {
    super::places::place_for(
        conn,
        author,
        input,
        ("location", "location-unknown"),
        record,
        errors,
    )
}

/// Checks a typed place without writing anything (for forms sent back with other errors).
pub fn check_place(
    conn: &mut DbConn,
    viewer: Viewer,
    input: &PlaceInput,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    super::places::check(
        conn,
        viewer,
        input,
        ("location", "location-unknown"),
        errors,
    )
}

fn codes<T: Copy>(items: &[T], code: fn(T) -> &'static str) -> String {
    items.iter().map(|t| code(*t)).collect::<Vec<_>>().join(",")
}

fn claim_text(c: &ClaimFields) -> String {
    format!(
        "{} ({}{}), {}: {}",
        c.source_type.code(),
        c.reliability.code(),
        c.credibility.code(),
        c.claimed_on,
        c.statement
    )
}

/// A claim's columns on the record `$incident_id` with `$record` facts, which it keeps as its
/// provenance (`insert_claim`, and a new incident's first claim on PostgreSQL).
macro_rules! claim_columns {
    ($incident_id:expr, $user_id:expr, $record:expr, $c:expr) => {
        (
            claims::incident_id.eq($incident_id),
            claims::source_type.eq($c.source_type.code()),
            claims::source_name.eq(&$c.source_name),
            claims::reliability.eq($c.reliability.code()),
            claims::credibility.eq($c.credibility.code()),
            claims::claimed_on.eq($c.claimed_on),
            claims::statement.eq(&$c.statement),
            claims::stance.eq($c.stance.code()),
            claims::created_by.eq($user_id),
            claims::created_at.eq(audit::now()),
            claims::organization_id.eq(Some($record.organization_id)),
            claims::sensitivity.eq($record.sensitivity.code()),
        )
    };
}

/// Inserts a claim on the record with `record` facts, which it keeps as its provenance.
fn insert_claim(
    conn: &mut DbConn,
    incident_id: i64,
    user_id: i64,
    record: RecordFacts,
    c: &ClaimFields,
) -> Result<i64, AppError> {
    Ok(crate::on_backend!(conn, |db| diesel::insert_into(
        claims::table
    )
    .values(claim_columns!(incident_id, user_id, record, c))
    .returning(claims::id)
    .get_result(db))?)
}

/// Records a new incident with its first claim. `Ok(Err(errors))` when the place is unknown.
pub fn create(
    conn: &mut Tx<'_>,
    author: &Author,
    f: &IncidentFields,
    claim: &ClaimFields,
    // The date the record is made (its reference carries the year).
    today: NaiveDate,
) -> Result<Result<Incident, FieldErrors>, AppError> {
    let mut errors = FieldErrors::new();
    let record = RecordFacts {
        organization_id: author.viewer.organization_id,
        sensitivity: f.sensitivity,
        status: f.status,
        verification: Verification::Unverified,
        retracted: false,
    };
    let Some(location) = place(conn, author, &f.place, record, &mut errors)? else {
        return Ok(Err(errors));
    };
    let (reference, reserved) = references::next_incident(conn.db(), today.year())?;
    let now = audit::now();
    let c = f.counts;
    let row = (
        (
            incidents::reference.eq(&reference),
            described_columns!(f, location),
        ),
        (count_columns!(c),),
        (
            incidents::organization_id.eq(author.viewer.organization_id),
            incidents::created_by.eq(author.user_id),
            incidents::sensitivity.eq(f.sensitivity.code()),
            incidents::verification.eq(Verification::Unverified.code()),
            incidents::status.eq(f.status.code()),
            incidents::retraction_reason.eq(""),
            incidents::version.eq(1),
            incidents::created_at.eq(now),
            incidents::updated_at.eq(now),
        ),
    );
    let places = location.search_text();
    // The row as written, its place in hand and its organisation the author's (`find` would
    // read both again). On PostgreSQL with its search entry, the record's words and its first
    // claim's (see `search::Vector`), and, with the ids reserved with the reference, the claim
    // in the same statement (`db::together`; the claim's reference to the incident is checked
    // at the statement's end, when both rows are there).
    let (incident, claim_id): (Incident, Option<i64>) = match (conn.db(), reserved) {
        (DbConn::Pg(db), reserved) => {
            let entry = search::Vector::new_incident(
                &reference,
                &f.title,
                &f.narrative,
                &places,
                &claim.statement,
            );
            let insert = diesel::insert_into(incidents::table).values((
                row,
                incidents::search_vector.eq(entry),
                reserved.map(|ids| incidents::id.eq(ids.incident)),
            ));
            match reserved {
                Some(ids) => {
                    let first_claim = diesel::insert_into(claims::table).values((
                        claims::id.eq(ids.claim),
                        claim_columns!(ids.incident, author.user_id, record, claim),
                    ));
                    let incident = crate::db::together(
                        first_claim,
                        insert.returning(Incident::as_returning()),
                    )
                    .get_result(db)?;
                    (incident, Some(ids.claim))
                }
                None => (
                    insert.returning(Incident::as_returning()).get_result(db)?,
                    None,
                ),
            }
        }
        (DbConn::Sqlite(db), _) => (
            diesel::insert_into(incidents::table)
                .values(row)
                .returning(Incident::as_returning())
                .get_result(db)?,
            None,
        ),
    };
    let id = incident.id;
    let claim_id = match claim_id {
        Some(claim_id) => claim_id,
        None => insert_claim(conn, id, author.user_id, record, claim)?,
    };
    if let DbConn::Sqlite(_) = conn.db() {
        search::index_new(conn, &incident, &places, &claim.statement)?;
    }
    let snapshot = incident.snapshot(&location.label());
    let mut changes = revisions::diff(&json!({}), &snapshot);
    changes["claim"] = json!([null, claim_text(claim)]);
    changes["claim_stance"] = json!([null, claim.stance.code()]);
    changes["claim_source_name"] = json!([null, claim.source_name]);
    revisions::record_new_then(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "incident",
            entity_id: id,
            action: "create",
            reason: "",
            changes: &changes,
            snapshot: &snapshot,
            facts: Some(facts(&incident)),
        },
        reserved.map(|ids| ids.revision),
        |_| {
            Event::new("incident.create", "incident", id).details(json!({
                "reference": reference, "claim_id": claim_id, "status": incident.status,
                "sensitivity": incident.sensitivity,
            }))
        },
    )?;
    Ok(Ok(incident))
}

/// What became of an edit.
pub type Saved = crate::domain::Saved<Loaded>;

/// Saves an edit made from `version`. Refuses (403) when the person may no longer edit.
pub fn update(
    conn: &mut Tx<'_>,
    author: &Author,
    id: IncidentId,
    version: i32,
    f: &IncidentFields,
) -> Result<Saved, AppError> {
    let id = id.get();
    let current = find(conn, id)?;
    if !permissions::can_view_record(author.viewer, current.facts()) {
        return Err(AppError::NotFound);
    }
    if !permissions::can_edit_record(author.viewer, current.facts()) {
        return Err(AppError::Forbidden);
    }
    if current.incident.version != version {
        return Ok(Saved::Conflict(Box::new(current)));
    }
    let mut errors = FieldErrors::new();
    if !permissions::allowed_statuses(author.viewer, Some(current.incident.status()))
        .contains(&f.status)
    {
        errors.add("status", "status-transition-invalid");
    }
    let reason = super::lowering_reason(
        current.incident.sensitivity,
        f.sensitivity,
        &f.sensitivity_reason,
        &mut errors,
    );
    check_place(conn, author.viewer, &f.place, &mut errors)?;
    if !errors.is_empty() {
        return Ok(Saved::Invalid(errors));
    }
    let record = RecordFacts {
        sensitivity: f.sensitivity,
        status: f.status,
        ..current.facts()
    };
    let Some(location) = place(conn, author, &f.place, record, &mut errors)? else {
        return Ok(Saved::Invalid(errors));
    };
    let c = f.counts;
    let updated = diesel::update(
        incidents::table
            .filter(incidents::id.eq(id))
            .filter(incidents::version.eq(version)),
    )
    .set((
        (described_columns!(f, location),),
        (count_columns!(c),),
        (
            incidents::sensitivity.eq(f.sensitivity.code()),
            incidents::status.eq(f.status.code()),
            incidents::version.eq(version + 1),
            incidents::updated_at.eq(audit::now()),
        ),
    ))
    .execute(conn.db())?;
    if updated != 1 {
        return Ok(Saved::Conflict(Box::new(find(conn, id)?)));
    }
    // Claims still on the record they were recorded on follow its sensitivity; claims merged
    // in from another record keep that record's.
    diesel::update(
        claims::table
            .filter(claims::incident_id.eq(id))
            .filter(claims::merged_from.is_null()),
    )
    .set(claims::sensitivity.eq(f.sensitivity.code()))
    .execute(conn.db())?;
    let after = find(conn, id)?;
    finish_change(
        conn,
        &author.actor,
        &current,
        &after,
        "edit",
        reason,
        "incident.update",
    )?;
    Ok(Saved::Saved)
}

/// Writes the revision, index entry and audit event for a change from `before` to `after`.
fn finish_change(
    conn: &mut Tx<'_>,
    actor: &Actor,
    before: &Loaded,
    after: &Loaded,
    action: &'static str,
    reason: &str,
    audit_action: &'static str,
) -> Result<(), AppError> {
    search::index(conn, &after.incident, &after.location.search_text())?;
    let old = before.incident.snapshot(&before.location.label());
    let new = after.incident.snapshot(&after.location.label());
    let changes = revisions::diff(&old, &new);
    revisions::record_then(
        conn,
        actor,
        NewRevision {
            entity_type: "incident",
            entity_id: after.incident.id,
            action,
            reason,
            changes: &changes,
            snapshot: &new,
            facts: Some(after.facts()),
        },
        |number| {
            Event::new(audit_action, "incident", after.incident.id)
                .details(json!({ "reference": after.incident.reference, "revision": number, "changes": changes, "reason": reason }))
        },
    )?;
    Ok(())
}

/// Adds a claim. Refuses (403) when the person may not.
pub fn add_claim(
    conn: &mut Tx<'_>,
    author: &Author,
    id: IncidentId,
    claim: &ClaimFields,
) -> Result<i64, AppError> {
    let id = id.get();
    let current = find_visible(conn, id, author.viewer)?;
    if !permissions::can_add_claim(author.viewer, current.facts()) {
        return Err(AppError::Forbidden);
    }
    let claim_id = insert_claim(conn, id, author.user_id, current.facts(), claim)?;
    diesel::update(incidents::table.find(id))
        .set(incidents::updated_at.eq(audit::now()))
        .execute(conn.db())?;
    // The statement is searched with the rest of the incident.
    search::index(conn, &current.incident, &current.location.search_text())?;
    let snapshot = current.incident.snapshot(&current.location.label());
    let changes = json!({
        "claim": [null, claim_text(claim)],
        "claim_stance": [null, claim.stance.code()],
        "claim_source_name": [null, claim.source_name],
    });
    revisions::record_then(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "incident",
            entity_id: id,
            action: "claim",
            reason: "",
            changes: &changes,
            snapshot: &snapshot,
            facts: Some(current.facts()),
        },
        |number| {
            Event::new("incident.claim_add", "incident", id)
                .details(json!({ "reference": current.incident.reference, "claim_id": claim_id, "revision": number }))
        },
    )?;
    Ok(claim_id)
}

/// Sets the verification status, with the coordinator's reason.
pub fn set_verification(
    conn: &mut Tx<'_>,
    author: &Author,
    id: IncidentId,
    to: Verification,
    reason: &str,
) -> Result<(), AppError> {
    let id = id.get();
    let current = find_visible(conn, id, author.viewer)?;
    if !permissions::can_verify_incident(author.viewer, current.facts()) {
        return Err(AppError::Forbidden);
    }
    diesel::update(incidents::table.find(id))
        .set((
            incidents::verification.eq(to.code()),
            incidents::version.eq(current.incident.version + 1),
            incidents::updated_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    let after = find(conn, id)?;
    finish_change(
        conn,
        &author.actor,
        &current,
        &after,
        "verification",
        reason,
        "incident.verify",
    )
}

/// Retracts the record: it stays, marked, with the reason, for auditors and history.
pub fn retract(
    conn: &mut Tx<'_>,
    author: &Author,
    id: IncidentId,
    reason: &str,
) -> Result<(), AppError> {
    let id = id.get();
    let current = find_visible(conn, id, author.viewer)?;
    if !permissions::can_retract_incident(author.viewer, current.facts()) {
        return Err(AppError::Forbidden);
    }
    let now = audit::now();
    diesel::update(incidents::table.find(id))
        .set((
            incidents::retracted_at.eq(Some(now)),
            incidents::retraction_reason.eq(reason),
            incidents::version.eq(current.incident.version + 1),
            incidents::updated_at.eq(now),
        ))
        .execute(conn.db())?;
    let after = find(conn, id)?;
    finish_change(
        conn,
        &author.actor,
        &current,
        &after,
        "retraction",
        reason,
        "incident.retract",
    )
}

/// Another record as a link: its id and reference.
pub type Link = (i64, String);
