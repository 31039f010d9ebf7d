//! The route table: every route, its handler, and what it needs. The same table registers the
//! routes with actix and is consulted by the access guard on every request, so a route cannot
//! exist without a stated permission. Tests walk it to build the authorisation matrix.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceRequest;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, Route};

use super::{
    account, admin, api, assets, audit_trail, convoys, evidence, feeds, health, home, incidents,
    login, logos, needs, places, reports, searches, setup,
};
use crate::permissions::Action;

pub use super::guard::Access;

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

macro_rules! route_table {
    ($( $method:ident $path:literal => $handler:path, $access:expr; )*) => {
        /// Every route of the application.
        pub const ROUTES: &[RouteSpec] = &[
            $( RouteSpec { method: stringify!($method), path: $path, access: $access }, )*
        ];

        fn handlers() -> Vec<(&'static str, Route)> {
            vec![ $( ($path, web::method(actix_web::http::Method::$method).to($handler)), )* ]
        }
    };
}

use Access::*;
use Action::*;

route_table! {
    GET  "/healthz" => health::healthz, Public;
    GET  "/readyz" => health::readyz, Public;
    GET  "/static/{file}" => assets::serve, Public;
    GET  "/favicon.ico" => assets::favicon, Public;
    GET  "/login" => login::form, Public;
    POST "/login" => login::submit, Public;
    POST "/logout" => login::logout, Can(UseAccount);
    GET  "/setup" => setup::form, Public;
    POST "/setup" => setup::submit, Public;
    GET  "/" => home::show, Can(UseAccount);
    GET  "/account/password" => account::password_form, Can(UseAccount);
    POST "/account/password" => account::change_password, Can(UseAccount);
    POST "/account/language" => account::set_language, Can(UseAccount);
    GET  "/admin/users" => admin::users::list, Can(ManageUsers);
    GET  "/admin/users/new" => admin::users::new_form, Can(ManageUsers);
    POST "/admin/users" => admin::users::create, Can(ManageUsers);
    GET  "/admin/users/{id:\\d+}" => admin::users::edit_form, Can(ManageUsers);
    POST "/admin/users/{id:\\d+}" => admin::users::update, Can(ManageUsers);
    POST "/admin/users/{id:\\d+}/disable" => admin::users::disable, Can(ManageUsers);
    POST "/admin/users/{id:\\d+}/enable" => admin::users::enable, Can(ManageUsers);
    POST "/admin/users/{id:\\d+}/password" => admin::users::reset_password, Can(ManageUsers);
    POST "/admin/users/{id:\\d+}/unlock" => admin::users::unlock, Can(ManageUsers);
    GET  "/admin/organizations" => admin::organizations::list, Can(ManageOrganizations);
    GET  "/admin/organizations/new" => admin::organizations::new_form, Can(ManageOrganizations);
    POST "/admin/organizations" => admin::organizations::create, Can(ManageOrganizations);
    GET  "/admin/organizations/{id:\\d+}" => admin::organizations::edit_form, Can(ManageOrganizations);
    POST "/admin/organizations/{id:\\d+}" => admin::organizations::update, Can(ManageOrganizations);
    POST "/admin/organizations/{id:\\d+}/logo" => logos::upload, Can(ManageOrganizations);
    POST "/admin/organizations/{id:\\d+}/logo/removal" => logos::remove, Can(ManageOrganizations);
    GET  "/organizations/{id:\\d+}/logo" => logos::show, Can(UseAccount);
    GET  "/incidents" => incidents::list::list, Can(ReadIncidents);
    GET  "/incidents/map" => incidents::map::map, Can(ReadIncidents);
    GET  "/incidents/new" => incidents::form::new_form, Can(RecordIncidents);
    POST "/incidents" => incidents::form::create, Can(RecordIncidents);
    GET  "/incidents/{id:\\d+}" => incidents::detail::show, Can(ReadIncidents);
    GET  "/incidents/{id:\\d+}/edit" => incidents::form::edit_form, Can(RecordIncidents);
    POST "/incidents/{id:\\d+}" => incidents::form::update, Can(RecordIncidents);
    GET  "/incidents/{id:\\d+}/history" => incidents::detail::history, Can(ReadIncidents);
    POST "/incidents/{id:\\d+}/claims" => incidents::actions::add_claim, Can(RecordIncidents);
    POST "/incidents/{id:\\d+}/verification" => incidents::actions::verify, Can(VerifyIncidents);
    POST "/incidents/{id:\\d+}/retraction" => incidents::actions::retract, Can(RetractIncidents);
    POST "/incidents/{id:\\d+}/merge" => incidents::actions::merge, Can(MergeIncidents);
    GET  "/convoys" => convoys::list::list, Can(ReadConvoys);
    GET  "/convoys/new" => convoys::form::new_form, Can(RecordConvoys);
    POST "/convoys" => convoys::form::create, Can(RecordConvoys);
    GET  "/convoys/{id:\\d+}" => convoys::detail::show, Can(ReadConvoys);
    GET  "/convoys/{id:\\d+}/edit" => convoys::form::edit_form, Can(RecordConvoys);
    POST "/convoys/{id:\\d+}" => convoys::form::update, Can(RecordConvoys);
    POST "/convoys/{id:\\d+}/events" => convoys::detail::add_event, Can(RecordConvoys);
    GET  "/convoys/{id:\\d+}/history" => convoys::detail::history, Can(ReadConvoys);
    POST "/convoys/{id:\\d+}/deliveries" => convoys::detail::add_delivery, Can(RecordConvoys);
    POST "/convoys/{id:\\d+}/incidents" => convoys::detail::link_incident, Can(RecordConvoys);
    GET  "/needs" => needs::list, Can(ReadNeeds);
    GET  "/needs/new" => needs::new_form, Can(RecordNeeds);
    POST "/needs" => needs::create, Can(RecordNeeds);
    GET  "/needs/{id:\\d+}" => needs::show, Can(ReadNeeds);
    GET  "/needs/{id:\\d+}/edit" => needs::edit_form, Can(RecordNeeds);
    POST "/needs/{id:\\d+}" => needs::update, Can(RecordNeeds);
    GET  "/needs/{id:\\d+}/history" => needs::history, Can(ReadNeeds);
    GET  "/exports/incidents.csv" => super::exports::incidents_csv, Can(ExportRecords);
    GET  "/exports/incidents.json" => super::exports::incidents_json, Can(ExportRecords);
    GET  "/exports/convoys.csv" => super::exports::convoys_csv, Can(ExportRecords);
    GET  "/exports/convoys.json" => super::exports::convoys_json, Can(ExportRecords);
    GET  "/exports/needs.csv" => super::exports::needs_csv, Can(ExportRecords);
    GET  "/exports/needs.json" => super::exports::needs_json, Can(ExportRecords);
    GET  "/reports" => reports::form, Can(RunReports);
    GET  "/reports/situation" => reports::situation, Can(RunReports);
    POST "/reports/summary" => reports::save_summary, Can(SummarizeReports);
    GET  "/audit" => audit_trail::list, Can(ReadAuditTrail);
    GET  "/audit/{id:\\d+}" => audit_trail::show, Can(ReadAuditTrail);
    GET  "/incidents/{id:\\d+}/files" => evidence::files, Can(ReadIncidents);
    POST "/incidents/{id:\\d+}/files" => evidence::upload_files, Can(RecordIncidents);
    GET  "/incidents/{id:\\d+}/evidence.zip" => evidence::bundle, Can(ReadIncidents);
    GET  "/convoys/{id:\\d+}/files" => evidence::files, Can(ReadConvoys);
    POST "/convoys/{id:\\d+}/files" => evidence::upload_files, Can(RecordConvoys);
    GET  "/needs/{id:\\d+}/files" => evidence::files, Can(ReadNeeds);
    POST "/needs/{id:\\d+}/files" => evidence::upload_files, Can(RecordNeeds);
    GET  "/files/{id:\\d+}" => evidence::download, Can(ReadIncidents);
    GET  "/files/{id:\\d+}/thumbnail" => evidence::thumbnail, Can(ReadIncidents);
    POST "/files/{id:\\d+}/retraction" => evidence::retract, Can(RecordIncidents);
    GET  "/files/{id:\\d+}/purge" => evidence::purge_form, Can(PurgeEvidence);
    POST "/files/{id:\\d+}/purge" => evidence::purge, Can(PurgeEvidence);
    GET  "/admin/api-tokens" => admin::api_tokens::list, Can(ManageUsers);
    POST "/admin/api-tokens" => admin::api_tokens::issue, Can(ManageUsers);
    POST "/admin/api-tokens/revoke" => admin::api_tokens::revoke, Can(ManageUsers);
    GET  "/api/v1/incidents" => api::handlers::incidents, Token;
    GET  "/api/v1/incidents/{id:\\d+}" => api::handlers::incident, Token;
    GET  "/api/v1/convoys" => api::handlers::convoys, Token;
    GET  "/api/v1/convoys/{id:\\d+}" => api::handlers::convoy, Token;
    GET  "/api/v1/needs" => api::handlers::needs, Token;
    GET  "/api/v1/needs/{id:\\d+}" => api::handlers::need, Token;
    GET  "/api/v1/places" => api::handlers::places, Token;
    GET  "/api/v1/changes" => api::handlers::changes, Token;
    GET  "/api/v1/report" => api::handlers::report, Token;
    GET  "/api/v1/openapi.json" => api::openapi::json, Public;
    GET  "/api/v1/docs" => api::docs::page, Public;
    GET  "/places" => places::list, Can(ReadPlaces);
    GET  "/places/{id:\\d+}" => places::show, Can(ReadPlaces);
    GET  "/places/{id:\\d+}/edit" => places::edit_form, Can(ManagePlaces);
    POST "/places/{id:\\d+}" => places::update, Can(ManagePlaces);
    POST "/places/{id:\\d+}/merge" => places::merge, Can(ManagePlaces);
    GET  "/searches" => searches::list, Can(ReadIncidents);
    GET  "/searches/new" => searches::new_form, Can(ReadIncidents);
    POST "/searches" => searches::create, Can(ReadIncidents);
    GET  "/searches/{id:\\d+}" => searches::show, Can(ReadIncidents);
    POST "/searches/{id:\\d+}/delete" => searches::delete, Can(ReadIncidents);
    POST "/searches/{id:\\d+}/subscriptions" => searches::subscribe, Can(ReadIncidents);
    POST "/subscriptions/{id:\\d+}/revoke" => searches::revoke, Can(ReadIncidents);
    POST "/subscriptions/{id:\\d+}/test" => searches::test, Can(ReadIncidents);
    GET  "/feeds/{token}" => feeds::atom, Public;
}

/// Registers every route, one resource per path (so a wrong method answers 405), each behind
/// the access guard with what the table says it needs.
pub fn register(cfg: &mut web::ServiceConfig) {
    let mut by_path: Vec<(&'static str, Vec<Route>)> = Vec::new();
    for (path, route) in handlers() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => routes.push(route),
            None => by_path.push((path, vec![route])),
        }
    }
    for (path, routes) in by_path {
        let resource = routes
            .into_iter()
            .fold(web::resource(path), |res, route| res.route(route))
            .wrap(from_fn(move |req: ServiceRequest, next: Next<BoxBody>| {
                let access = access_for(req.method().as_str(), path);
                super::guard::check(path, access, req, next)
            }));
        cfg.service(resource);
    }
}

/// What the table says of a request, by method and matched pattern.
pub fn access_for(method: &str, pattern: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|r| r.method == method && r.path == pattern)
        .map(|r| r.access)
}
