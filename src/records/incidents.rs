//! Incidents through the viewer's scope: the record, its claims (each by its own provenance),
//! the convoys it obstructed, the records merged into it, and its history.

use std::collections::HashMap;

use diesel::prelude::*;

use super::history::{self, ScopedRevision};
use super::store::incidents::{self as store, Link, LinkCounts, Loaded};
use super::{Hidden, Scope, Visible};
use crate::convoys::model::Convoy;
use crate::db::schema::{claims, convoy_incidents, convoys, incidents};
use crate::db::{kept, DbConn};
use crate::domain::IncidentId;
use crate::error::AppError;
use crate::incidents::Claim;

/// An incident the viewer may see, or 404 (never 403: a hidden record does not exist for them).
pub fn find(conn: &mut DbConn, scope: &Scope, id: IncidentId) -> Result<Visible<Loaded>, AppError> {
    let id = id.get();
    store::find_visible(conn, id, scope.viewer()).map(Visible::vouched)
}

/// The incidents of `ids` the viewer may see, in the order of `ids` (a page of the read API:
/// three queries, not three per row).
pub fn find_many(
    conn: &mut DbConn,
    scope: &Scope,
    ids: &[i64],
) -> Result<Vec<Visible<Loaded>>, AppError> {
    Ok(store::find_many(conn, ids)?
        .into_iter()
        .filter(|l| crate::permissions::can_view_record(scope.viewer(), l.facts()))
        .map(Visible::vouched)
        .collect())
}

/// The incident a person typed the reference of (any case, spaces around), if it exists and
/// the viewer may see it.
pub fn find_by_reference(
    conn: &mut DbConn,
    scope: &Scope,
    typed: &str,
) -> Result<Option<Visible<Loaded>>, AppError> {
    Ok(store::find_visible_by_reference(conn, typed, scope.viewer())?.map(Visible::vouched))
}

/// A claim as the viewer may read it: its source name is emptied unless they may see it.
#[derive(Debug, Clone)]
pub struct ScopedClaim {
    pub claim: Claim,
    pub source_shown: bool,
}

impl std::ops::Deref for ScopedClaim {
    type Target = Claim;
    fn deref(&self) -> &Claim {
        &self.claim
    }
}

/// How many revisions the incident page shows, newest first.
const TIMELINE: usize = 10;

/// Everything the incident page shows, scoped.
pub struct IncidentPage {
    pub claims: Vec<ScopedClaim>,
    pub hidden_claims: Hidden,
    /// Convoys this incident obstructed.
    pub convoys: Vec<Convoy>,
    pub hidden_convoys: Hidden,
    /// The record this duplicate was merged into, when the viewer may see it.
    pub merged_into: Option<Link>,
    pub merged_into_hidden: bool,
    /// Duplicates merged into this record.
    pub duplicates: Vec<Link>,
    pub hidden_duplicates: Hidden,
    /// Records the viewer may see that may report the same event (offered for a merge).
    pub likely_duplicates: Vec<super::duplicates::Likely>,
    /// The latest revisions, newest first.
    pub timeline: Vec<ScopedRevision>,
}

/// The claims of a visible incident, oldest first, each through its own provenance.
pub fn claims(
    conn: &mut DbConn,
    scope: &Scope,
    incident: &Visible<Loaded>,
) -> Result<(Vec<ScopedClaim>, Hidden), AppError> {
    let id = incident.incident.id;
    let all: Vec<Claim> = crate::on_backend!(conn, |c| store::claims_in_order!(id).load(c))?;
    Ok(scoped_claims(scope, all))
}

/// [`claims`] of each of `found`, by incident id, in one query.
pub fn claims_of_each(
    conn: &mut DbConn,
    scope: &Scope,
    found: &[Visible<Loaded>],
) -> Result<HashMap<i64, (Vec<ScopedClaim>, Hidden)>, AppError> {
    let ids: Vec<i64> = found.iter().map(|f| f.incident.id).collect();
    let all: Vec<Claim> = claims::table
        .filter(crate::db::one_of(claims::incident_id, &ids))
        .order((
            claims::incident_id.asc(),
            claims::claimed_on.asc(),
            claims::id.asc(),
        ))
        .select(Claim::as_select())
        .load(conn)?;
    let mut by_incident: HashMap<i64, Vec<Claim>> =
        ids.iter().map(|id| (*id, Vec::new())).collect();
    for c in all {
        by_incident.entry(c.incident_id).or_default().push(c);
    }
    Ok(by_incident
        .into_iter()
        .map(|(id, claims)| (id, scoped_claims(scope, claims)))
        .collect())
}

/// The claims the viewer may read, each with its source name emptied unless they may see it;
/// and how many they may not.
fn scoped_claims(scope: &Scope, all: Vec<Claim>) -> (Vec<ScopedClaim>, Hidden) {
    let mut hidden = Hidden::default();
    let mut shown = Vec::with_capacity(all.len());
    for mut claim in all {
        if !scope.sees_claim(&claim) {
            hidden.0 += 1;
            continue;
        }
        let source_shown = scope.sees_claim_source(&claim);
        if !source_shown {
            claim.source_name.clear();
        }
        shown.push(ScopedClaim {
            claim,
            source_shown,
        });
    }
    (shown, hidden)
}

/// An incident the viewer may see, or 404, with the counts its page needs ([`page`]), read in
/// the same statement.
pub fn find_for_page(
    conn: &mut DbConn,
    scope: &Scope,
    id: IncidentId,
) -> Result<(Visible<Loaded>, LinkCounts), AppError> {
    let revisions = TIMELINE as i64 + 1;
    let (loaded, counts) =
        store::find_visible_with_link_counts(conn, id.get(), scope.viewer(), revisions)?;
    Ok((Visible::vouched(loaded), counts))
}

/// The incident page's related records and latest history, `counts` as [`find_for_page`] read
/// them.
pub fn page(
    conn: &mut DbConn,
    scope: &Scope,
    incident: &Visible<Loaded>,
    counts: LinkCounts,
) -> Result<IncidentPage, AppError> {
    let i = &incident.incident;
    // Read with the record on PostgreSQL (`LinkCounts::along`), here on SQLite.
    let ((claims, hidden_claims), newest_revisions) = match counts.along {
        Some(along) => (
            scoped_claims(scope, along.claims),
            Some(along.newest_revisions),
        ),
        None => (claims(conn, scope, incident)?, None),
    };
    // The page's statements are kept compiled (`db::kept`: a scope's SQL is one text per
    // organisation and role) and run on the backend's own connection (`on_backend!`). Most
    // incidents have no convoy linked and no duplicate merged into them (`counts`, read with
    // the record), and then neither scoped statement is asked for.
    let (linked, merged) = (counts.convoys, counts.duplicates);
    let convoys: Vec<Convoy> = if linked == 0 {
        Vec::new()
    } else {
        crate::on_backend!(conn, |c| kept(
            convoys::table
                .inner_join(convoy_incidents::table)
                .filter(convoy_incidents::incident_id.eq(i.id))
                .filter(scope.records_of("convoys", false))
                .order(convoys::id.asc())
                .select(Convoy::as_select())
        )
        .load(c))?
    };
    let (merged_into, merged_into_hidden) = match i.merged_into {
        Some(kept) => match find(conn, scope, IncidentId::new(kept)) {
            Ok(k) => (Some((kept, k.incident.reference.clone())), false),
            Err(AppError::NotFound) => (None, true),
            Err(e) => return Err(e),
        },
        None => (None, false),
    };
    let (duplicates, hidden_duplicates) = duplicates(conn, scope, i.id, merged)?;
    let likely_duplicates = super::duplicates::likely(conn, scope, i, &incident.location)?;
    Ok(IncidentPage {
        likely_duplicates,
        claims,
        hidden_claims,
        hidden_convoys: Hidden::of(linked, convoys.len()),
        convoys,
        merged_into,
        merged_into_hidden,
        duplicates,
        hidden_duplicates,
        timeline: match newest_revisions {
            Some(newest) => history::latest_of(conn, scope, newest, TIMELINE)?,
            None => history::of(conn, scope, "incident", i.id, Some(TIMELINE))?,
        },
    })
}

/// Duplicates merged into a record (`all` of them), those the viewer may see by id and
/// reference.
fn duplicates(
    conn: &mut DbConn,
    scope: &Scope,
    id: i64,
    all: i64,
) -> Result<(Vec<Link>, Hidden), AppError> {
    let shown: Vec<Link> = if all == 0 {
        Vec::new()
    } else {
        crate::on_backend!(conn, |c| kept(
            incidents::table
                .filter(incidents::merged_into.eq(id))
                .filter(scope.records_of("incidents", true))
                .order(incidents::id.asc())
                .select((incidents::id, incidents::reference))
        )
        .load(c))?
    };
    let hidden = Hidden::of(all, shown.len());
    Ok((shown, hidden))
}
