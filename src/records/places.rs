//! Places through the viewer's scope: the suggestions a form offers and the destinations menu.
//! A place first typed on a draft or confidential record is offered only to its organisation
//! (and coordinators, auditors) until a record others may see uses it.

use super::Scope;
use crate::db::DbConn;
use crate::error::AppError;
use crate::locations;

/// The labels of the places the viewer may see, for the forms' suggestions.
pub fn suggestions(conn: &mut DbConn, scope: &Scope) -> Result<Vec<String>, AppError> {
    Ok(locations::all(conn, scope.viewer())?
        .iter()
        .map(locations::Location::label)
        .collect())
}
