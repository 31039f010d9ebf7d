//! Convoys through the viewer's scope: the convoy, the incidents that obstructed it and the
//! needs it served (only those the viewer may see, with a count of the others), and history.

use diesel::prelude::*;

use super::{Hidden, Scope, Visible};
use crate::convoys::store::{self, Loaded};
use crate::db::schema::{convoy_incidents, incidents, need_deliveries, needs};
use crate::db::DbConn;
use crate::error::AppError;
use crate::incidents::Incident;
use crate::needs::model::{Delivery, Need};

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
