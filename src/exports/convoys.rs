//! Convoys with their origin, destination, organisation and cargo.

use std::collections::HashMap;

use diesel::prelude::*;

use super::lookup;
use super::{col, Cell, Column, Kind, Rows, Source, Span};
use crate::convoys::list::{self, Filter};
use crate::convoys::model::{CargoLine, Convoy};
use crate::db::schema::{cargo_lines, convoys};
use crate::db::DbConn;
use crate::error::AppError;
use crate::permissions::Viewer;

pub const COLUMNS: &[Column] = &[
    col("reference", "#meta+id+convoy"),
    col("organization", "#org+name"),
    col("origin", "#loc+name+origin"),
    col("origin_admin1", "#adm1+name+origin"),
    col("destination", "#loc+name+dest"),
    col("destination_admin1", "#adm1+name+dest"),
    col("destination_admin2", "#adm2+name+dest"),
    col("destination_pcode", "#loc+code+dest"),
    col("planned_departure", "#date+planned"),
    col("route", "#description+route"),
    col("trucks", "#indicator+trucks+num"),
    col("beneficiaries", "#targeted+ind"),
    col("notification_ref", "#meta+notification"),
    col("cargo", "#item+cargo+list"),
    col("sensitivity", "#meta+sensitivity"),
    col("status", "#status"),
    col("notes", "#description+notes"),
];

/// The convoys of the list page `/convoys` with the same filter, as `viewer` sees them.
pub struct Convoys {
    pub viewer: Viewer,
    pub filter: Filter,
}

impl Source for Convoys {
    fn kind(&self) -> Kind {
        Kind::Convoys
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
        Ok(convoys::table
            .select(diesel::dsl::max(convoys::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0))
    }

    fn ids(&self, conn: &mut DbConn) -> Result<Vec<i64>, AppError> {
        Ok(list::filtered(self.viewer, &self.filter)
            .order(convoys::id.asc())
            .select(convoys::id)
            .load(conn)?)
    }

    fn page(&self, conn: &mut DbConn, span: Span<'_>, rows: &mut Rows<'_>) -> Result<(), AppError> {
        let found: Vec<Convoy> = list::filtered(self.viewer, &self.filter)
            .filter(span.condition(convoys::id))
            .order(convoys::id.asc())
            .select(Convoy::as_select())
            .load(conn)?;
        if found.is_empty() {
            return Ok(());
        }
        let places = lookup::places(
            conn,
            found.iter().flat_map(|c| [c.origin_id, c.destination_id]),
        )?;
        let orgs = lookup::organizations(conn, found.iter().map(|c| c.organization_id))?;
        let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
        let lines: Vec<CargoLine> = cargo_lines::table
            .filter(crate::db::one_of(cargo_lines::convoy_id, &ids))
            .order((cargo_lines::convoy_id.asc(), cargo_lines::position.asc()))
            .select(CargoLine::as_select())
            .load(conn)?;
        // Each convoy's cargo, a line per item.
        let mut cargo: HashMap<i64, String> = HashMap::new();
        for l in &lines {
            let list = cargo.entry(l.convoy_id).or_default();
            if !list.is_empty() {
                list.push('\n');
            }
            list.push_str(&l.describe());
        }
        fn text(s: Option<&String>) -> Cell<'_> {
            s.map_or(Cell::Null, |s| Cell::text(s))
        }
        for c in &found {
            let origin = places.get(&c.origin_id);
            let dest = places.get(&c.destination_id);
            rows.push(&[
                Cell::text(&c.reference),
                lookup::organization(&orgs, c.organization_id),
                text(origin.map(|l| &l.name)),
                text(origin.map(|l| &l.admin1)),
                text(dest.map(|l| &l.name)),
                text(dest.map(|l| &l.admin1)),
                text(dest.map(|l| &l.admin2)),
                text(dest.map(|l| &l.pcode)),
                Cell::Date(c.planned_departure),
                Cell::text(&c.route),
                Cell::Int(i64::from(c.trucks)),
                Cell::int(c.beneficiaries),
                Cell::text(&c.notification_ref),
                Cell::text(cargo.get(&c.id).map_or("", String::as_str)),
                Cell::text(c.sensitivity.code()),
                Cell::text(&c.status),
                Cell::text(&c.notes),
            ])?;
        }
        Ok(())
    }
}
