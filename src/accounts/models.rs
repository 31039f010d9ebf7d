//! Rows as stored, apart from the forms that insert and change them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{organizations, users};
use crate::domain::{OrgType, Role};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub acronym: String,
    pub org_type: String,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub updated_at: NaiveDateTime,
}

impl Organization {
    pub fn org_type(&self) -> OrgType {
        OrgType::parse(&self.org_type).unwrap_or(OrgType::Other)
    }

    /// "World Health Organization (WHO)", or the name alone.
    pub fn display(&self) -> String {
        if self.acronym.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.acronym)
        }
    }

    /// "WHO", or the name where there is no acronym (a list's column).
    pub fn short(&self) -> &str {
        if self.acronym.is_empty() {
            &self.name
        } else {
            &self.acronym
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub acronym: &'a str,
    pub org_type: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = organizations)]
pub struct OrganizationUpdate<'a> {
    pub name: &'a str,
    pub acronym: &'a str,
    pub org_type: &'a str,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub organization_id: i64,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub disabled_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub updated_at: NaiveDateTime,
    /// The person's language setting (`i18n::Setting` code); `None` follows the browser.
    pub language: Option<String>,
}

impl User {
    pub fn role(&self) -> Role {
        // An unknown stored role grants the least: reporter.
        Role::parse(&self.role).unwrap_or(Role::Reporter)
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub organization_id: i64,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserUpdate<'a> {
    pub display_name: &'a str,
    pub organization_id: i64,
    pub role: &'a str,
    pub updated_at: NaiveDateTime,
}
