//! Convoys through the viewer's scope: the convoy, the incidents that obstructed it and the
//! needs it served (only those the viewer may see, with a count of the others), and history.

use diesel::prelude::*;

use super::store::convoys::{self as store, Loaded};
use super::{Hidden, Scope, Visible};
use crate::convoys::model::ConvoyEvent;
use crate::db::schema::{convoy_incidents, incidents, need_deliveries, needs};
use crate::db::DbConn;
use crate::error::AppError;
use crate::incidents::Incident;
use crate::needs::model::{Delivery, Need};
use crate::permissions;

/// A convoy the viewer may see, or 404.
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> Result<Visible<Loaded>, AppError> {
    store::find_visible(conn, id, scope.viewer()).map(Visible::vouched)
}

/// A linked incident, with the convoy event it records (if any).
pub type LinkedIncident = (Incident, Option<i64>);

/// Incidents linked to a visible convoy that the viewer may see, with the event each records.
pub fn linked_incidents(
    conn: &mut DbConn,
    scope: &Scope,
    convoy: &Visible<Loaded>,
) -> Result<(Vec<LinkedIncident>, Hidden), AppError> {
    let id = convoy.convoy.id;
    let q = incidents::table
        .inner_join(convoy_incidents::table)
        .filter(convoy_incidents::convoy_id.eq(id))
        .filter(scope.records_of("incidents", true));
    let shown: Vec<LinkedIncident> = q
        .order(incidents::id.asc())
        .select((Incident::as_select(), convoy_incidents::event_id))
        .load(conn)?;
    let all: i64 = convoy_incidents::table
        .filter(convoy_incidents::convoy_id.eq(id))
        .count()
        .get_result(conn)?;
    let hidden = Hidden::of(all, shown.len());
    Ok((shown, hidden))
}

/// Deliveries a visible convoy made against needs the viewer may see, with the need each served.
pub fn needs_served(
    conn: &mut DbConn,
    scope: &Scope,
    convoy: &Visible<Loaded>,
) -> Result<(Vec<(Delivery, Need)>, Hidden), AppError> {
    let id = convoy.convoy.id;
    let q = need_deliveries::table
        .inner_join(needs::table)
        .filter(need_deliveries::convoy_id.eq(id))
        .filter(scope.records_of("needs", false));
    let shown: Vec<(Delivery, Need)> = q
        .order(need_deliveries::id.asc())
        .select((Delivery::as_select(), Need::as_select()))
        .load(conn)?;
    let all: i64 = need_deliveries::table
        .filter(need_deliveries::convoy_id.eq(id))
        .count()
        .get_result(conn)?;
    let hidden = Hidden::of(all, shown.len());
    Ok((shown, hidden))
}

/// What recording a convoy event's obstruction as an incident would start from.
pub enum ObstructionOffer {
    /// The event is not recorded yet: the convoy (which the viewer may edit) and the event.
    New(Box<(Visible<Loaded>, ConvoyEvent)>),
    /// Already recorded, as this incident the viewer may see.
    Recorded(i64),
    /// Already recorded, as an incident the viewer may not see (never named).
    RecordedHidden,
}

/// The offer to record a blocked convoy event as an incident: 404 when the viewer may not see
/// the convoy, 403 when they may not edit it, and never the id of an incident they cannot see.
pub fn obstruction_offer(
    conn: &mut DbConn,
    scope: &Scope,
    event_id: i64,
) -> Result<ObstructionOffer, AppError> {
    let event = store::event_by_id(conn, event_id)?;
    let convoy = find(conn, scope, event.convoy_id)?;
    if !permissions::can_edit_record(scope.viewer(), convoy.convoy.facts()) {
        return Err(AppError::Forbidden);
    }
    Ok(match store::incident_for_event(conn, event_id)? {
        None => ObstructionOffer::New(Box::new((convoy, event))),
        Some(id) => match super::incidents::find(conn, scope, id) {
            Ok(_) => ObstructionOffer::Recorded(id),
            Err(AppError::NotFound) => ObstructionOffer::RecordedHidden,
            Err(e) => return Err(e),
        },
    })
}

/// How much of each cargo line is already counted against needs, in the convoy's line order
/// (totals only: the needs themselves come through `needs_served`).
pub fn allocated(conn: &mut DbConn, convoy: &Visible<Loaded>) -> Result<Vec<i64>, AppError> {
    convoy
        .lines
        .iter()
        .map(|line| super::store::needs::allocated(conn, line.id))
        .collect()
}
