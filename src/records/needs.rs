//! Needs through the viewer's scope: the need and the convoys that carried supplies against it
//! (only those the viewer may see, with a count of the others).

use diesel::prelude::*;

use super::store::needs::{self as store, Loaded};
use super::{Hidden, Scope, Visible};
use crate::convoys::model::{CargoLine, Convoy};
use crate::db::schema::{cargo_lines, convoys, need_deliveries};
use crate::db::DbConn;
use crate::error::AppError;
use crate::needs::model::Delivery;

/// A need the viewer may see, or 404.
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> Result<Visible<Loaded>, AppError> {
    store::find_visible(conn, id, scope.viewer()).map(Visible::vouched)
}

/// A delivery against a need: the convoy that carried it and the cargo line it came from.
pub type DeliveryLine = (Delivery, Convoy, CargoLine);

/// Which convoys (that the viewer may see) carried what against a visible need.
pub fn deliveries(
    conn: &mut DbConn,
    scope: &Scope,
    need: &Visible<Loaded>,
) -> Result<(Vec<DeliveryLine>, Hidden), AppError> {
    let id = need.need.id;
    let q = need_deliveries::table
        .inner_join(convoys::table.on(convoys::id.eq(need_deliveries::convoy_id)))
        .inner_join(cargo_lines::table.on(cargo_lines::id.eq(need_deliveries::cargo_line_id)))
        .filter(need_deliveries::need_id.eq(id))
        .filter(scope.records_of("convoys", false));
    let shown: Vec<DeliveryLine> = q
        .order(need_deliveries::id.asc())
        .select((
            Delivery::as_select(),
            Convoy::as_select(),
            CargoLine::as_select(),
        ))
        .load(conn)?;
    let all: i64 = need_deliveries::table
        .filter(need_deliveries::need_id.eq(id))
        .count()
        .get_result(conn)?;
    let hidden = Hidden::of(all, shown.len());
    Ok((shown, hidden))
}
