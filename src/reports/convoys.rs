//! The report's convoy figures: how many convoys of the period reached each status, the
//! beneficiaries they targeted and reached, and the cargo removed on the way.
//!
//! Three statements: the period's convoys in scope (from `convoys_departure_idx` alone), the
//! cargo lines of those partly delivered, and the lines with cargo removed (both from
//! `cargo_lines_convoy_idx`, the items of the removed lines from their rows).

use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::{Audience, ConvoyFigures, Params};
use crate::db::schema::{cargo_lines, convoys};
use crate::db::{one_of, Backend, DbConn};
use crate::domain::vocab::{ConvoyStatus, Sensitivity};
use crate::error::AppError;
use crate::permissions::{self, Viewer};

/// How many kinds of cargo removed the report lists.
const REMOVED_ITEMS: usize = 15;

/// Convoys in the report's period and scope (area by destination, organisation, audience,
/// and what the viewer may see).
fn scope(viewer: Viewer, p: &Params) -> convoys::BoxedQuery<'static, Backend> {
    let mut q = convoys::table
        .into_boxed::<Backend>()
        .filter(convoys::planned_departure.ge(p.from))
        .filter(convoys::planned_departure.le(p.to));
    if let Some(v) = permissions::visible_sql(viewer, "convoys", false) {
        q = q.filter(diesel::dsl::sql::<Bool>(&v));
    }
    if p.audience == Audience::Public {
        q = q.filter(convoys::sensitivity.eq(Sensitivity::Public.code()));
    }
    if let Some(org) = p.organization_id {
        q = q.filter(convoys::organization_id.eq(org));
    }
    for condition in super::in_area("convoys.destination_id", p) {
        q = q.filter(condition);
    }
    q
}

/// The convoy figures, and the sensitivity levels of the convoys counted (for the marking).
pub fn figures(
    conn: &mut DbConn,
    viewer: Viewer,
    p: &Params,
) -> Result<(ConvoyFigures, Vec<Sensitivity>), AppError> {
    let found: Vec<(i64, ConvoyStatus, Option<i64>, Sensitivity)> = scope(viewer, p)
        .select((
            convoys::id,
            convoys::status,
            convoys::beneficiaries,
            convoys::sensitivity,
        ))
        .load(conn)?;
    // Per status (in the vocabulary's order): convoys, and the beneficiaries they target.
    let mut by_status = vec![(0i64, 0i64); ConvoyStatus::ALL.len()];
    let mut levels: Vec<Sensitivity> = Vec::new();
    for (_, status, beneficiaries, sensitivity) in &found {
        let slot = &mut by_status[*status as usize];
        slot.0 += 1;
        slot.1 += beneficiaries.unwrap_or(0);
        if !levels.contains(sensitivity) {
            levels.push(*sensitivity);
        }
    }
    let n = |s: &[ConvoyStatus]| s.iter().map(|s| by_status[*s as usize].0).sum::<i64>();
    let b = |s: &[ConvoyStatus]| s.iter().map(|s| by_status[*s as usize].1).sum::<i64>();
    let ids: Vec<i64> = found.iter().map(|c| c.0).collect();
    let figures = ConvoyFigures {
        total: found.len() as i64,
        planned: n(&[
            ConvoyStatus::Planned,
            ConvoyStatus::Notified,
            ConvoyStatus::Approved,
        ]),
        en_route: n(&[ConvoyStatus::EnRoute]),
        delivered: n(&[ConvoyStatus::Delivered]),
        partially_delivered: n(&[ConvoyStatus::PartiallyDelivered]),
        blocked: n(&[ConvoyStatus::Blocked]),
        turned_back: n(&[ConvoyStatus::TurnedBack]),
        cancelled: n(&[ConvoyStatus::Cancelled]),
        beneficiaries_targeted: b(ConvoyStatus::ALL),
        beneficiaries_reached: b(&[ConvoyStatus::Delivered]) + partly_reached(conn, &found)?,
        removed: removed(conn, &ids)?,
    };
    Ok((figures, levels))
}

/// Beneficiaries reached by the partly delivered convoys: each in the share of its cargo that
/// arrived (none when no delivered quantity was recorded, or nothing was loaded).
fn partly_reached(
    conn: &mut DbConn,
    found: &[(i64, ConvoyStatus, Option<i64>, Sensitivity)],
) -> Result<i64, AppError> {
    let partly: Vec<(i64, i64)> = found
        .iter()
        .filter(|c| c.1 == ConvoyStatus::PartiallyDelivered)
        .filter_map(|c| Some((c.0, c.2?)))
        .collect();
    if partly.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = partly.iter().map(|c| c.0).collect();
    let lines: Vec<(i64, i64, Option<i64>)> = cargo_lines::table
        .filter(one_of(cargo_lines::convoy_id, &ids))
        .select((
            cargo_lines::convoy_id,
            cargo_lines::quantity,
            cargo_lines::delivered_quantity,
        ))
        .load(conn)?;
    // Per convoy: loaded, and delivered (unknown until a line says).
    let mut cargo: std::collections::HashMap<i64, (i64, Option<i64>)> = Default::default();
    for (convoy, quantity, delivered) in lines {
        let c = cargo.entry(convoy).or_default();
        c.0 += quantity;
        if let Some(d) = delivered {
            c.1 = Some(c.1.unwrap_or(0) + d);
        }
    }
    Ok(partly
        .iter()
        .map(|(id, beneficiaries)| match cargo.get(id) {
            Some((loaded, Some(delivered))) if *loaded > 0 => {
                beneficiaries * (*delivered).min(*loaded) / loaded
            }
            _ => 0,
        })
        .sum())
}

/// Cargo removed on the way from `convoys`, by item and unit, the most first.
fn removed(conn: &mut DbConn, convoys: &[i64]) -> Result<Vec<(String, String, i64)>, AppError> {
    let lines: Vec<(String, String, Option<i64>)> = cargo_lines::table
        .filter(one_of(cargo_lines::convoy_id, convoys))
        .filter(cargo_lines::removed_quantity.gt(0))
        .select((
            cargo_lines::item,
            cargo_lines::unit,
            cargo_lines::removed_quantity,
        ))
        .load(conn)?;
    let mut removed: Vec<(String, String, i64)> = Vec::new();
    for (item, unit, q) in lines {
        match removed.iter_mut().find(|r| r.0 == item && r.1 == unit) {
            Some(r) => r.2 += q.unwrap_or(0),
            None => removed.push((item, unit, q.unwrap_or(0))),
        }
    }
    removed.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    removed.truncate(REMOVED_ITEMS);
    Ok(removed)
}
