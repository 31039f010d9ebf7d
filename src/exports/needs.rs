//! Medical-supply needs with their place and organisation.

use diesel::prelude::*;

use super::lookup::{self, place_cells};
use super::{col, Cell, Column, Kind, Rows, Source, Span};
use crate::db::schema::needs;
use crate::db::DbConn;
use crate::error::AppError;
use crate::needs::list::{self, Filter};
use crate::needs::model::Need;
use crate::permissions::Viewer;

pub const COLUMNS: &[Column] = &[
    col("reference", "#meta+id+need"),
    col("facility_name", "#loc+name+facility"),
    col("facility_type", "#loc+type+facility"),
    col("place", "#loc+name"),
    col("admin1", "#adm1+name"),
    col("admin2", "#adm2+name"),
    col("pcode", "#loc+code"),
    col("latitude", "#geo+lat"),
    col("longitude", "#geo+lon"),
    col("item", "#item+name"),
    col("item_detail", "#item+detail"),
    col("quantity_needed", "#value+needed"),
    col("quantity_delivered", "#value+delivered"),
    col("quantity_outstanding", "#value+outstanding"),
    col("unit", "#item+unit"),
    col("urgency", "#severity"),
    col("needed_by", "#date+deadline"),
    col("status", "#status"),
    col("organization", "#org+name"),
    col("sensitivity", "#meta+sensitivity"),
    col("notes", "#description+notes"),
];

/// The needs of the list page `/needs` with the same filter, as `viewer` sees them.
pub struct Needs {
    pub viewer: Viewer,
    pub filter: Filter,
}

impl Source for Needs {
    fn kind(&self) -> Kind {
        Kind::Needs
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn count(&self, conn: &mut DbConn) -> Result<i64, AppError> {
        Ok(list::filtered(self.viewer, &self.filter)
            .count()
            .get_result(conn)?)
    }

    fn last_id(&self, conn: &mut DbConn) -> Result<i64, AppError> {
        Ok(needs::table
            .select(diesel::dsl::max(needs::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0))
    }

    fn ids(&self, conn: &mut DbConn) -> Result<Vec<i64>, AppError> {
        Ok(list::filtered(self.viewer, &self.filter)
            .order(needs::id.asc())
            .select(needs::id)
            .load(conn)?)
    }

    fn page(&self, conn: &mut DbConn, span: Span<'_>, rows: &mut Rows<'_>) -> Result<(), AppError> {
        let found: Vec<Need> = list::filtered(self.viewer, &self.filter)
            .filter(span.condition(needs::id))
            .order(needs::id.asc())
            .select(Need::as_select())
            .load(conn)?;
        if found.is_empty() {
            return Ok(());
        }
        let places = lookup::places(conn, found.iter().map(|n| n.location_id))?;
        let orgs = lookup::organizations(conn, found.iter().map(|n| n.organization_id))?;
        for n in &found {
            let [place, admin1, admin2, pcode, lat, lon] = place_cells(places.get(&n.location_id));
            rows.push(&[
                Cell::text(&n.reference),
                Cell::text(&n.facility_name),
                Cell::text(&n.facility_type),
                place,
                admin1,
                admin2,
                pcode,
                lat,
                lon,
                Cell::text(&n.item),
                Cell::text(&n.item_detail),
                Cell::Int(n.quantity_needed),
                Cell::Int(n.quantity_delivered),
                Cell::Int(n.outstanding()),
                Cell::text(&n.unit),
                Cell::text(&n.urgency),
                Cell::date(n.needed_by),
                Cell::text(&n.status),
                lookup::organization(&orgs, n.organization_id),
                Cell::text(n.sensitivity.code()),
                Cell::text(&n.notes),
            ])?;
        }
        Ok(())
    }
}
