//! Organisations: listing, creating and changing them, each change audited.

use std::sync::Arc;

use diesel::prelude::*;
use serde_json::json;

use super::models::{NewOrganization, Organization, OrganizationUpdate};
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::db::schema::{organizations, users};
use crate::db::DbConn;
use crate::domain::OrgType;
use crate::error::AppError;

/// A checked organisation, ready to store.
#[derive(Debug, Clone)]
pub struct OrgFields {
    pub name: String,
    pub acronym: String,
    pub org_type: OrgType,
}

/// Why a save was refused, beside which field.
#[derive(Debug, PartialEq, Eq)]
pub enum OrgSaveError {
    NameTaken,
}

/// Every organisation, by name: the filters' lists, and the names lists give their rows (a
/// working group has tens of them, a few hundred at most). Kept in the server's memory with the
/// count of the organisations' changes they were read at (`db::stamps`, migration 460), and
/// read once a page: on PostgreSQL every list and home page asked for them in a round trip of
/// its own. None is a record: every viewer may see every organisation's name.
pub fn all(conn: &mut DbConn) -> Result<Vec<Organization>, AppError> {
    use crate::db::memory;
    /// The organisations as of one count of changes (`None`: not read yet).
    #[derive(Default)]
    struct Kept(Option<Arc<[Organization]>>);
    memory::once_a_read(|| {
        let stamp = crate::db::stamps::read(conn)?.organizations;
        if let Some(Some(kept)) = memory::at(stamp, |k: &mut Kept| k.0.clone()) {
            return Ok(kept.to_vec());
        }
        let read: Arc<[Organization]> = organizations::table
            .order(organizations::name.asc())
            .select(Organization::as_select())
            .load(conn)?
            .into();
        memory::keep(stamp, |k: &mut Kept| k.0 = Some(read.clone()));
        Ok(read.to_vec())
    })
}

/// Every organisation, by name, with its number of accounts (the administrators' pages).
pub fn list(conn: &mut DbConn) -> Result<Vec<(Organization, i64)>, AppError> {
    let orgs = all(conn)?;
    let counts: Vec<(i64, i64)> = users::table
        .group_by(users::organization_id)
        .select((users::organization_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(orgs
        .into_iter()
        .map(|o| {
            let n = counts.iter().find(|(id, _)| *id == o.id).map_or(0, |c| c.1);
            (o, n)
        })
        .collect())
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Organization, AppError> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .get_result(conn)?)
}

/// By name or acronym, ignoring case.
pub fn find_by_name(conn: &mut DbConn, name: &str) -> Result<Option<Organization>, AppError> {
    let wanted = name.trim().to_lowercase();
    Ok(organizations::table
        .select(Organization::as_select())
        .load(conn)?
        .into_iter()
        .find(|o| {
            o.name.to_lowercase() == wanted
                || (!o.acronym.is_empty() && o.acronym.to_lowercase() == wanted)
        }))
}

fn name_taken(conn: &mut DbConn, name: &str, except: Option<i64>) -> Result<bool, AppError> {
    let wanted = name.to_lowercase();
    Ok(organizations::table
        .select((organizations::id, organizations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .any(|(id, n)| n.to_lowercase() == wanted && Some(id) != except))
}

/// Creates an organisation; call inside `audit::write`.
pub fn create(
    conn: &mut Tx<'_>,
    actor: &Actor,
    fields: &OrgFields,
) -> Result<Result<Organization, OrgSaveError>, AppError> {
    if name_taken(conn, &fields.name, None)? {
        return Ok(Err(OrgSaveError::NameTaken));
    }
    let now = audit::now();
    let org_id: i64 = diesel::insert_into(organizations::table)
        .values(NewOrganization {
            name: &fields.name,
            acronym: &fields.acronym,
            org_type: fields.org_type.code(),
            created_at: now,
            updated_at: now,
        })
        .returning(organizations::id)
        .get_result(conn.db())?;
    let org = find(conn, org_id)?;
    audit::record(
        conn,
        actor,
        Event::new("organization.create", "organization", org.id).details(json!({
            "name": org.name, "acronym": org.acronym, "org_type": org.org_type,
        })),
    )?;
    Ok(Ok(org))
}

/// Changes an organisation; call inside `audit::write`.
pub fn update(
    conn: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    fields: &OrgFields,
) -> Result<Result<Organization, OrgSaveError>, AppError> {
    let before = find(conn, id)?;
    if name_taken(conn, &fields.name, Some(id))? {
        return Ok(Err(OrgSaveError::NameTaken));
    }
    let org_id: i64 = diesel::update(organizations::table.find(id))
        .set(OrganizationUpdate {
            name: &fields.name,
            acronym: &fields.acronym,
            org_type: fields.org_type.code(),
            updated_at: audit::now(),
        })
        .returning(organizations::id)
        .get_result(conn.db())?;
    let org = find(conn, org_id)?;
    audit::record(
        conn,
        actor,
        Event::new("organization.update", "organization", id).details(audit::changes(&[
            ("name", json!(before.name), json!(org.name)),
            ("acronym", json!(before.acronym), json!(org.acronym)),
            ("org_type", json!(before.org_type), json!(org.org_type)),
        ])),
    )?;
    Ok(Ok(org))
}
