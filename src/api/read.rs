//! The API's reads, through the records core: lists are the list pages' scoped queries
//! (`incidents::list::filtered`, `convoys::list::filtered`, `needs::list::filtered`, which carry
//! the viewer's condition in SQL) read in id order after a cursor; each row is then read through
//! `records::*::find`, so only a `Visible<T>` becomes JSON. History comes through
//! `ApiScope::sees_revision`, revision by revision.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use super::cursor;
use super::scope::ApiScope;
use super::views::{self, term, Change, OrgRef, Page, Place};
use crate::db::schema::{convoys, incidents, locations, needs};
use crate::db::DbConn;
use crate::domain::vocab::*;
use crate::error::AppError;
use crate::incidents::model::{split_codes, COUNT_FIELDS};
use crate::locations::Location;
use crate::records::incidents::ScopedClaim;
use crate::records::store::incidents::Loaded;
use crate::records::{self, Hidden, Visible};

/// Rows a page gives unless asked for fewer; the most it gives.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 500;

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub after: Option<i64>,
    pub limit: i64,
}

/// The next page's cursor, when a page of `limit` was read as `limit + 1` ids.
fn page_of(kind: &str, mut ids: Vec<i64>, limit: i64) -> (Vec<i64>, Option<String>) {
    let more = ids.len() as i64 > limit;
    ids.truncate(limit as usize);
    let next = more
        .then(|| ids.last().map(|id| cursor::make(kind, *id)))
        .flatten();
    (ids, next)
}

/// A page of the rows `ids` name (read as `limit + 1`, so a next page is known), each read
/// through `read`, which goes through the records core.
fn rows<T: utoipa::ToSchema>(
    conn: &mut DbConn,
    api: &ApiScope,
    kind: &str,
    ids: Vec<i64>,
    limit: i64,
    read: fn(&mut DbConn, &ApiScope, i64) -> Result<T, AppError>,
) -> Result<Page<T>, AppError> {
    let (ids, next_cursor) = page_of(kind, ids, limit);
    let data = ids
        .into_iter()
        .map(|id| read(conn, api, id))
        .collect::<Result<_, _>>()?;
    Ok(Page { data, next_cursor })
}

pub fn incidents(
    conn: &mut DbConn,
    api: &ApiScope,
    filter: &crate::incidents::list::Filter,
    paging: Paging,
) -> Result<Page<views::Incident>, AppError> {
    let mut filter = filter.clone();
    if api.public() {
        // What the public report counts: submitted public records, not retracted or merged.
        filter.sensitivity = Some(Sensitivity::Public);
        filter.exclude_drafts = true;
        filter.include_retracted = false;
    }
    let viewer = api.scope().viewer();
    let mut q = crate::incidents::list::filtered(conn, viewer, &filter);
    if let Some(after) = paging.after {
        q = q.filter(incidents::id.gt(after));
    }
    let ids: Vec<i64> = q
        .order(incidents::id.asc())
        .limit(paging.limit + 1)
        .select(incidents::id)
        .load(conn)?;
    // The page's rows in a few queries (each row read alone cost four).
    let (ids, next_cursor) = page_of("incidents", ids, paging.limit);
    let scope = api.scope();
    let found = records::incidents::find_many(conn, scope, &ids)?;
    let mut claims = if api.public() {
        HashMap::new()
    } else {
        records::incidents::claims_of_each(conn, scope, &found)?
    };
    let mut data = Vec::with_capacity(found.len());
    for f in &found {
        let its_claims = claims.remove(&f.incident.id);
        match incident_view(conn, api, f, its_claims) {
            Ok(view) => data.push(view),
            Err(AppError::NotFound) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(Page { data, next_cursor })
}

/// One incident as `api` may read it, or 404.
pub fn incident(conn: &mut DbConn, api: &ApiScope, id: i64) -> Result<views::Incident, AppError> {
    let scope = api.scope();
    let found = records::incidents::find(conn, scope, crate::domain::IncidentId::new(id))?;
    let claims = if api.public() {
        None
    } else {
        Some(records::incidents::claims(conn, scope, &found)?)
    };
    incident_view(conn, api, &found, claims)
}

/// A visible incident as `api` may read it (its claims as the scope gives them; `None` for
/// the public token), or 404 where the public token may not read it.
fn incident_view(
    conn: &mut DbConn,
    api: &ApiScope,
    found: &Visible<Loaded>,
    claims: Option<(Vec<ScopedClaim>, Hidden)>,
) -> Result<views::Incident, AppError> {
    let i = &found.incident;
    let public = api.public();
    if public
        && (i.sensitivity() != Sensitivity::Public
            || i.status() == RecordStatus::Draft
            || i.is_retracted()
            || i.is_merged())
    {
        return Err(AppError::NotFound);
    }
    let merged_into = match i.merged_into {
        Some(kept) => visible_incident(conn, api, kept)?.then_some(kept),
        None => None,
    };
    let (claims, withheld) = match claims.filter(|_| !public) {
        None => (None, None),
        Some((shown, hidden)) => {
            let mut out = Vec::with_capacity(shown.len());
            for c in shown {
                let merged_from = match c.merged_from {
                    Some(d) => visible_incident(conn, api, d)?.then_some(d),
                    None => None,
                };
                out.push(views::Claim {
                    id: c.id,
                    source_type: term!(SourceType, &c.source_type),
                    source_name: c.source_shown.then(|| c.source_name.clone()),
                    reliability: term!(Reliability, &c.reliability),
                    credibility: term!(Credibility, &c.credibility),
                    claimed_on: views::date(c.claimed_on),
                    statement: c.statement.clone(),
                    merged_from,
                });
            }
            (Some(out), Some(hidden.count()))
        }
    };
    let counts = [
        i.civilians_killed,
        i.civilians_injured,
        i.aid_killed_national,
        i.aid_killed_international,
        i.aid_injured_national,
        i.aid_injured_international,
        i.aid_kidnapped_national,
        i.aid_kidnapped_international,
        i.aid_detained_national,
        i.aid_detained_international,
        i.people_affected,
    ];
    let figures: BTreeMap<String, Option<i64>> = COUNT_FIELDS
        .iter()
        .zip(counts)
        .map(|((name, _), n)| (name.to_string(), n))
        .collect();
    let hide = |s: &str| (!public).then(|| s.to_string());
    Ok(views::Incident {
        id: i.id,
        reference: i.reference.clone(),
        title: i.title.clone(),
        narrative: hide(&i.narrative),
        category: term!(Category, &i.category),
        attack_types: split_codes(&i.attack_types)
            .map(|c| term!(AttackType, c))
            .collect(),
        resources_affected: split_codes(&i.resources_affected)
            .map(|c| term!(Resource, c))
            .collect(),
        occurred_on: views::date(i.occurred_on),
        time_precision: term!(TimePrecision, &i.time_precision),
        reported_on: views::date(i.reported_on),
        place: Place::of(&found.location, public),
        location_precision: term!(LocationPrecision, &i.location_precision),
        perpetrator_type: (!public).then(|| term!(PerpetratorType, &i.perpetrator_type)),
        perpetrator_name: hide(&i.perpetrator_name),
        figures,
        figures_qualifier: term!(FiguresQualifier, &i.figures_qualifier),
        figures_scope: term!(FiguresScope, &i.figures_scope),
        figures_area_period: hide(&i.figures_area_period),
        event_tags: split_codes(&i.event_tags)
            .map(|c| term!(EventTag, c))
            .collect(),
        organization: (!public).then(|| OrgRef::of(&found.organization)),
        sensitivity: term!(Sensitivity, i.sensitivity.code()),
        verification: term!(Verification, i.verification.code()),
        status: term!(RecordStatus, i.status.code()),
        retracted_at: i.retracted_at.map(views::timestamp),
        retraction_reason: hide(&i.retraction_reason),
        merged_into,
        version: i.version,
        created_at: views::timestamp(i.created_at),
        updated_at: views::timestamp(i.updated_at),
        claims,
        claims_withheld: withheld,
    })
}

fn visible_incident(conn: &mut DbConn, api: &ApiScope, id: i64) -> Result<bool, AppError> {
    match records::incidents::find(conn, api.scope(), crate::domain::IncidentId::new(id)) {
        Ok(_) => Ok(true),
        Err(AppError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn convoys(
    conn: &mut DbConn,
    api: &ApiScope,
    filter: &crate::convoys::list::Filter,
    paging: Paging,
) -> Result<Page<views::Convoy>, AppError> {
    let mut q = crate::convoys::list::filtered(api.scope().viewer(), filter);
    if api.public() {
        q = q.filter(convoys::sensitivity.eq(Sensitivity::Public.code()));
    }
    if let Some(after) = paging.after {
        q = q.filter(convoys::id.gt(after));
    }
    let ids: Vec<i64> = q
        .order(convoys::id.asc())
        .limit(paging.limit + 1)
        .select(convoys::id)
        .load(conn)?;
    rows(conn, api, "convoys", ids, paging.limit, convoy)
}

/// One convoy, with its cargo and events, as `api` may read it, or 404.
pub fn convoy(conn: &mut DbConn, api: &ApiScope, id: i64) -> Result<views::Convoy, AppError> {
    let found = records::convoys::find(conn, api.scope(), crate::domain::ConvoyId::new(id))?;
    let c = &found.convoy;
    let public = api.public();
    if public && c.sensitivity() != Sensitivity::Public {
        return Err(AppError::NotFound);
    }
    let hide = |s: &str| (!public).then(|| s.to_string());
    let incidents = if public {
        None
    } else {
        let (linked, _) = records::convoys::linked_incidents(conn, api.scope(), &found)?;
        Some(linked.into_iter().map(|(i, _)| i.id).collect())
    };
    Ok(views::Convoy {
        id: c.id,
        reference: c.reference.clone(),
        organization: (!public).then(|| OrgRef::of(&found.organization)),
        origin: Place::of(&found.origin, public),
        destination: Place::of(&found.destination, public),
        planned_departure: views::date(c.planned_departure),
        route: hide(&c.route),
        trucks: c.trucks,
        beneficiaries: c.beneficiaries,
        notification_ref: hide(&c.notification_ref),
        sensitivity: term!(Sensitivity, c.sensitivity.code()),
        status: term!(ConvoyStatus, &c.status),
        notes: hide(&c.notes),
        cargo: found
            .lines
            .iter()
            .map(|l| views::CargoLine {
                id: l.id,
                position: l.position,
                item: l.item.clone(),
                sector: term!(Sector, &l.sector),
                quantity: l.quantity,
                unit: l.unit.clone(),
                weight_kg: l.weight_kg,
                delivered_quantity: l.delivered_quantity,
                removed_quantity: l.removed_quantity,
                removal_note: hide(&l.removal_note),
            })
            .collect(),
        events: found
            .events
            .iter()
            .map(|(e, place)| views::ConvoyEvent {
                id: e.id,
                occurred_on: views::date(e.occurred_on),
                occurred_time: e.occurred_time.clone(),
                status: term!(ConvoyStatus, &e.status),
                place: place.as_ref().map(|l| Place::of(l, public)),
                note: hide(&e.note),
            })
            .collect(),
        incidents,
        version: c.version,
        created_at: views::timestamp(c.created_at),
        updated_at: views::timestamp(c.updated_at),
    })
}

pub fn needs(
    conn: &mut DbConn,
    api: &ApiScope,
    filter: &crate::needs::list::Filter,
    paging: Paging,
) -> Result<Page<views::Need>, AppError> {
    let mut q = crate::needs::list::filtered(api.scope().viewer(), filter);
    if api.public() {
        q = q.filter(needs::sensitivity.eq(Sensitivity::Public.code()));
    }
    if let Some(after) = paging.after {
        q = q.filter(needs::id.gt(after));
    }
    let ids: Vec<i64> = q
        .order(needs::id.asc())
        .limit(paging.limit + 1)
        .select(needs::id)
        .load(conn)?;
    rows(conn, api, "needs", ids, paging.limit, need)
}

/// One need as `api` may read it, or 404.
pub fn need(conn: &mut DbConn, api: &ApiScope, id: i64) -> Result<views::Need, AppError> {
    let found = records::needs::find(conn, api.scope(), crate::domain::NeedId::new(id))?;
    let n = &found.need;
    let public = api.public();
    if public && n.sensitivity() != Sensitivity::Public {
        return Err(AppError::NotFound);
    }
    let hide = |s: &str| (!public).then(|| s.to_string());
    Ok(views::Need {
        id: n.id,
        reference: n.reference.clone(),
        facility_name: hide(&n.facility_name),
        facility_type: term!(FacilityType, &n.facility_type),
        place: Place::of(&found.location, public),
        item: term!(NeedItem, &n.item),
        item_detail: n.item_detail.clone(),
        quantity_needed: n.quantity_needed,
        quantity_delivered: n.quantity_delivered,
        unit: n.unit.clone(),
        urgency: term!(Urgency, &n.urgency),
        needed_by: n.needed_by.map(views::date),
        status: term!(NeedStatus, &n.status),
        organization: (!public).then(|| OrgRef::of(&found.organization)),
        sensitivity: term!(Sensitivity, n.sensitivity.code()),
        notes: hide(&n.notes),
        version: n.version,
        created_at: views::timestamp(n.created_at),
        updated_at: views::timestamp(n.updated_at),
    })
}

/// The places the reader may see, by id. The public view lists districts instead (each once,
/// by governorate and district), one page holding them all.
pub fn places(conn: &mut DbConn, api: &ApiScope, paging: Paging) -> Result<Page<Place>, AppError> {
    if api.public() {
        // Districts of the places public records use.
        let visible = api
            .scope()
            .record_sql("incidents", true)
            .map(|v| format!(" AND {v}"))
            .unwrap_or_default();
        let areas: Vec<(String, String)> = locations::table
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "EXISTS (SELECT 1 FROM incidents WHERE incidents.location_id = locations.id \
                 AND incidents.sensitivity = 'public' AND incidents.retracted_at IS NULL \
                 AND incidents.merged_into IS NULL{visible})"
            )))
            .select((locations::admin1, locations::admin2))
            .distinct()
            .order((locations::admin1.asc(), locations::admin2.asc()))
            .load(conn)?;
        return Ok(Page {
            data: areas
                .iter()
                .map(|(a1, a2)| Place::district(a1, a2))
                .collect(),
            next_cursor: None,
        });
    }
    let mut q = locations::table.into_boxed::<crate::db::Backend>();
    if let Some(visible) = api.scope().place_sql("locations") {
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&visible));
    }
    if let Some(after) = paging.after {
        q = q.filter(locations::id.gt(after));
    }
    let found: Vec<Location> = q
        .order(locations::id.asc())
        .limit(paging.limit + 1)
        .select(Location::as_select())
        .load(conn)?;
    let more = found.len() as i64 > paging.limit;
    let found: Vec<Location> = found.into_iter().take(paging.limit as usize).collect();
    let next_cursor = more
        .then(|| found.last().map(|l| cursor::make("places", l.id)))
        .flatten();
    Ok(Page {
        data: found.iter().map(|l| Place::of(l, false)).collect(),
        next_cursor,
    })
}

/// Revisions read at most per page of the changes feed, visible or not: a reader who may see
/// little of a long history still gets an answer at once, with a cursor to go on.
const CHANGES_SCAN: i64 = 2_000;

/// Changes after the cursor, oldest first: every revision the reader could have seen (edits,
/// verifications, retractions, merges), named but without values, read through the records
/// core's log (`records::history::log`).
pub fn changes(
    conn: &mut DbConn,
    api: &ApiScope,
    paging: Paging,
) -> Result<Page<Change>, AppError> {
    let stretch = records::history::log(
        conn,
        api.scope(),
        paging.after.unwrap_or(0),
        paging.limit,
        CHANGES_SCAN,
        |r| api.sees_revision(r),
    )?;
    let data = stretch
        .shown
        .into_iter()
        .map(|logged| {
            let r = logged.revision;
            Change {
                cursor: cursor::make("changes", r.id),
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                revision_no: r.revision_no,
                action: r.action,
                at: views::timestamp(r.created_at),
                fields: logged.fields,
                reason: (!api.public()).then_some(r.reason),
            }
        })
        .collect();
    let next_cursor = stretch.resume_after.map(|id| cursor::make("changes", id));
    Ok(Page { data, next_cursor })
}
