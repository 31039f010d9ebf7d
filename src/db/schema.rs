//! Table definitions valid for both backends: only generic SQL types (BigInt, Integer, Text,
//! Bool, Timestamp). Written by hand to match `migrations/sqlite` and `migrations/postgres`.
//!
//! One exception: `incidents.search_vector`, PostgreSQL's search entry (SQLite keeps its
//! entries in an FTS5 table of their own), declared so that a new incident's INSERT can write
//! it (`records::store::incidents::create`). Nothing selects it, and nothing may select every
//! column of `incidents` (`Incident::as_select()` names its own), since SQLite has no such
//! column.

/// SQL types of one backend only.
pub mod sql_types {
    /// PostgreSQL's `tsvector`.
    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "tsvector"))]
    pub struct TsVector;
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        name -> Text,
        acronym -> Text,
        org_type -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        organization_id -> BigInt,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        language -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        client_addr -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        actor_org_id -> Nullable<BigInt>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        client_addr -> Text,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain_head (id) {
        id -> Integer,
        last_id -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        events -> BigInt,
        head_hash -> Text,
        signed_at -> Timestamp,
        interval_key -> Nullable<BigInt>,
        reason -> Text,
        public_key -> Text,
        signature -> Text,
    }
}

diesel::table! {
    locations (id) {
        id -> BigInt,
        name -> Text,
        alt_names -> Text,
        country_code -> Text,
        admin1 -> Text,
        admin2 -> Text,
        admin3 -> Text,
        pcode -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// The organisation a place first typed on a draft or confidential record belongs to,
        /// until a record others may see uses it; NULL: shared by everyone.
        restricted_to_org -> Nullable<BigInt>,
        /// Town, checkpoint, crossing… (`PlaceKind`); '' when not said.
        kind -> Text,
        /// The preferred Arabic and French names ('' when none), kept from `place_names`.
        name_ar -> Text,
        name_fr -> Text,
        /// The place kept when this one was merged into it as a duplicate.
        merged_into -> Nullable<BigInt>,
        version -> Integer,
    }
}

diesel::table! {
    /// Every name of a place with its language; `locations` keeps the preferred ones.
    place_names (id) {
        id -> BigInt,
        location_id -> BigInt,
        name -> Text,
        language -> Text,
        preferred -> Bool,
        position -> Integer,
    }
}

diesel::table! {
    /// Administrative areas from OCHA's common operational datasets, by p-code.
    admin_areas (pcode) {
        pcode -> Text,
        level -> Integer,
        parent_pcode -> Text,
        country_code -> Text,
        name_en -> Text,
        name_ar -> Text,
        name_fr -> Text,
        geometry -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reference_counters (prefix, year) {
        prefix -> Text,
        year -> Integer,
        last_value -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::TsVector;

    incidents (id) {
        id -> BigInt,
        reference -> Text,
        title -> Text,
        narrative -> Text,
        category -> Text,
        attack_types -> Text,
        resources_affected -> Text,
        occurred_on -> Date,
        time_precision -> Text,
        occurred_time -> Text,
        reported_on -> Date,
        location_id -> BigInt,
        location_precision -> Text,
        perpetrator_type -> Text,
        perpetrator_name -> Text,
        civilians_killed -> Nullable<BigInt>,
        civilians_injured -> Nullable<BigInt>,
        aid_killed_national -> Nullable<BigInt>,
        aid_killed_international -> Nullable<BigInt>,
        aid_injured_national -> Nullable<BigInt>,
        aid_injured_international -> Nullable<BigInt>,
        aid_kidnapped_national -> Nullable<BigInt>,
        aid_kidnapped_international -> Nullable<BigInt>,
        aid_detained_national -> Nullable<BigInt>,
        aid_detained_international -> Nullable<BigInt>,
        people_affected -> Nullable<BigInt>,
        organization_id -> BigInt,
        created_by -> BigInt,
        sensitivity -> Text,
        verification -> Text,
        status -> Text,
        retracted_at -> Nullable<Timestamp>,
        retraction_reason -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        merged_into -> Nullable<BigInt>,
        merged_at -> Nullable<Timestamp>,
        /// How exact the figures are: `exact`, `at_least`, `about`.
        figures_qualifier -> Text,
        /// What the figures cover: `incident`, or `area_period` (reported beside totals).
        figures_scope -> Text,
        /// For area-over-period figures: the area and period, in words.
        figures_area_period -> Text,
        /// Event tags beside the access constraint (comma-separated codes).
        event_tags -> Text,
        /// PostgreSQL only (see the module's notes).
        search_vector -> Nullable<TsVector>,
    }
}

diesel::table! {
    claims (id) {
        id -> BigInt,
        incident_id -> BigInt,
        source_type -> Text,
        source_name -> Text,
        reliability -> Text,
        credibility -> Text,
        claimed_on -> Date,
        statement -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        merged_from -> Nullable<BigInt>,
        /// The organisation and sensitivity of the record the claim was first recorded on.
        organization_id -> Nullable<BigInt>,
        sensitivity -> Text,
        /// Toward the incident: supports, denies, counter_claim, context.
        stance -> Text,
    }
}

diesel::table! {
    revisions (id) {
        id -> BigInt,
        entity_type -> Text,
        entity_id -> BigInt,
        revision_no -> Integer,
        action -> Text,
        reason -> Text,
        changes -> Text,
        snapshot -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        created_at -> Timestamp,
        /// The organisation, sensitivity and status the record had after this revision.
        organization_id -> Nullable<BigInt>,
        sensitivity -> Text,
        record_status -> Text,
    }
}

diesel::table! {
    convoys (id) {
        id -> BigInt,
        reference -> Text,
        organization_id -> BigInt,
        origin_id -> BigInt,
        destination_id -> BigInt,
        planned_departure -> Date,
        route -> Text,
        trucks -> Integer,
        beneficiaries -> Nullable<BigInt>,
        notification_ref -> Text,
        sensitivity -> Text,
        status -> Text,
        notes -> Text,
        created_by -> BigInt,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    convoy_organizations (convoy_id, organization_id) {
        convoy_id -> BigInt,
        organization_id -> BigInt,
    }
}

diesel::table! {
    cargo_lines (id) {
        id -> BigInt,
        convoy_id -> BigInt,
        position -> Integer,
        item -> Text,
        sector -> Text,
        quantity -> BigInt,
        unit -> Text,
        weight_kg -> Nullable<Double>,
        delivered_quantity -> Nullable<BigInt>,
        removed_quantity -> Nullable<BigInt>,
        removal_note -> Text,
    }
}

diesel::table! {
    convoy_events (id) {
        id -> BigInt,
        convoy_id -> BigInt,
        occurred_on -> Date,
        occurred_time -> Text,
        status -> Text,
        location_id -> Nullable<BigInt>,
        note -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    convoy_incidents (convoy_id, incident_id) {
        convoy_id -> BigInt,
        incident_id -> BigInt,
        event_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    needs (id) {
        id -> BigInt,
        reference -> Text,
        facility_name -> Text,
        facility_type -> Text,
        location_id -> BigInt,
        item -> Text,
        item_detail -> Text,
        quantity_needed -> BigInt,
        unit -> Text,
        urgency -> Text,
        urgency_rank -> Integer,
        needed_by -> Nullable<Date>,
        status -> Text,
        /// Generated from `status`: open or partly met (never written).
        active -> Bool,
        quantity_delivered -> BigInt,
        organization_id -> BigInt,
        sensitivity -> Text,
        notes -> Text,
        created_by -> BigInt,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// When the need was assessed (as the person recording it says).
        assessed_on -> Nullable<Date>,
        /// The day it was recorded: overdue counts only dates passed after it.
        recorded_on -> Date,
        /// Generated: `needed_by` when it was not already past on `recorded_on` (never written).
        due_on -> Nullable<Date>,
    }
}

diesel::table! {
    need_deliveries (id) {
        id -> BigInt,
        need_id -> BigInt,
        convoy_id -> BigInt,
        cargo_line_id -> BigInt,
        quantity -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evidence_files (id) {
        id -> BigInt,
        record_type -> Text,
        record_id -> BigInt,
        part_kind -> Text,
        part_id -> Nullable<BigInt>,
        sha256 -> Text,
        size_bytes -> BigInt,
        mime_type -> Text,
        original_name -> Text,
        caption -> Text,
        made_on -> Nullable<Date>,
        sensitivity -> Text,
        organization_id -> BigInt,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
        retracted_at -> Nullable<Timestamp>,
        retraction_reason -> Text,
        purged_at -> Nullable<Timestamp>,
        purge_reason -> Text,
        photo_taken_at -> Text,
        photo_latitude -> Nullable<Double>,
        photo_longitude -> Nullable<Double>,
    }
}

diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(cargo_lines -> convoys (convoy_id));
diesel::joinable!(convoy_events -> convoys (convoy_id));
diesel::joinable!(need_deliveries -> needs (need_id));
diesel::joinable!(convoy_organizations -> organizations (organization_id));
diesel::joinable!(convoy_incidents -> incidents (incident_id));
diesel::joinable!(convoy_incidents -> convoys (convoy_id));
diesel::joinable!(incidents -> locations (location_id));
diesel::joinable!(place_names -> locations (location_id));
diesel::joinable!(incidents -> organizations (organization_id));
diesel::joinable!(claims -> incidents (incident_id));
diesel::joinable!(sessions -> users (user_id));

diesel::table! {
    /// Incidents per combination of the columns lists filter on (kept by triggers).
    incident_tallies (organization_id, sensitivity, status, category, verification, live) {
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        category -> Text,
        verification -> Text,
        live -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    /// Incidents per month of occurrence ('YYYY-MM') and combination of the columns lists
    /// filter on (kept by triggers): counts of date ranges.
    incident_month_tallies (category, month, organization_id, sensitivity, status, verification, live) {
        category -> Text,
        month -> Text,
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        verification -> Text,
        live -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    /// Incidents per governorate (as their places name it) and combination of the columns
    /// lists filter on (kept by triggers): counts of a governorate, the map's figures.
    incident_governorate_tallies (admin1, category, organization_id, sensitivity, status, verification, live) {
        admin1 -> Text,
        category -> Text,
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        verification -> Text,
        live -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    /// The governorate tallies summed over category and verification (kept by triggers on
    /// them): the map's figures and a governorate's count when neither is filtered.
    incident_governorate_totals (admin1, organization_id, sensitivity, status, live) {
        admin1 -> Text,
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        live -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    /// The same per district (admin1, admin2): counts of a district.
    incident_district_tallies (admin1, admin2, category, organization_id, sensitivity, status, verification, live) {
        admin1 -> Text,
        admin2 -> Text,
        category -> Text,
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        verification -> Text,
        live -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    /// Convoys per combination of the columns lists filter on (kept by triggers).
    convoy_tallies (organization_id, sensitivity, status) {
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// Needs per combination of the columns lists filter on (kept by triggers).
    need_tallies (organization_id, sensitivity, status, urgency_rank, item) {
        organization_id -> BigInt,
        sensitivity -> Text,
        status -> Text,
        urgency_rank -> Integer,
        item -> Text,
        n -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    incident_tallies,
    incident_month_tallies,
    incident_governorate_tallies,
    incident_governorate_totals,
    incident_district_tallies,
    convoy_tallies,
    need_tallies,
    users,
    sessions,
    login_throttle,
    setup_tokens,
    audit_events,
    audit_chain_head,
    locations,
    place_names,
    admin_areas,
    reference_counters,
    incidents,
    claims,
    revisions,
    convoys,
    convoy_organizations,
    cargo_lines,
    convoy_events,
    convoy_incidents,
    needs,
    need_deliveries,
);

diesel::table! {
    /// A coordinator's summary paragraph of the situation report with these parameters.
    report_summaries (id) {
        id -> BigInt,
        params_key -> Text,
        summary -> Text,
        updated_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Tokens of the read API; only their SHA-256 is kept (`api::tokens`).
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        scope -> Text,
        organization_id -> BigInt,
        token_hash -> Text,
        rate_per_minute -> Integer,
        expires_at -> Timestamp,
        created_by -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<BigInt>,
        last_used_at -> Nullable<Timestamp>,
        period_start -> Nullable<Timestamp>,
        reads -> BigInt,
    }
}

diesel::table! {
    /// A list's query string saved by its owner (`notify::searches`).
    saved_searches (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        kind -> Text,
        query -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// A feed, webhook or email subscription to a saved search (`notify::subscriptions`).
    subscriptions (id) {
        id -> BigInt,
        saved_search_id -> BigInt,
        user_id -> BigInt,
        channel -> Text,
        frequency -> Text,
        target -> Text,
        token_hash -> Nullable<Text>,
        secret -> Nullable<Text>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Record changes subscribers may hear of, queued with the change (`notify::events`).
    notification_events (id) {
        id -> BigInt,
        kind -> Text,
        entity_type -> Text,
        entity_id -> BigInt,
        created_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        processed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One message for one subscriber, sent and retried by the worker (`notify::deliveries`).
    deliveries (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        event_id -> Nullable<BigInt>,
        payload -> Text,
        status -> Text,
        due_at -> Timestamp,
        attempts -> Integer,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Text,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(subscriptions -> saved_searches (saved_search_id));
diesel::joinable!(deliveries -> subscriptions (subscription_id));
diesel::allow_tables_to_appear_in_same_query!(saved_searches, subscriptions, deliveries);

diesel::table! {
    /// How many times the incidents have changed (migration 440, kept by triggers): the
    /// candidates for likely duplicates are kept in memory until it moves.
    incident_changes (id) {
        id -> Integer,
        changes -> BigInt,
    }
}

diesel::table! {
    /// How many times the organisations have changed (migration 460, kept by triggers): the
    /// organisations are kept in memory until it moves.
    organization_changes (id) {
        id -> Integer,
        changes -> BigInt,
    }
}

diesel::table! {
    /// How many times the convoys and the needs have changed, a row per kind (`convoys`,
    /// `needs`; migration 490, kept by triggers): their lists' counts are kept in memory until
    /// their kind's moves.
    record_changes (kind) {
        kind -> Text,
        changes -> BigInt,
    }
}

diesel::table! {
    /// How many times the evidence files, or the claims they may sit on, have changed
    /// (migration 500, kept by triggers): the incident lists' counts of files are kept in
    /// memory until it moves.
    evidence_changes (id) {
        id -> Integer,
        changes -> BigInt,
    }
}

diesel::table! {
    /// How many times the places have changed (migration 410, kept by triggers): the places
    /// near each place are kept in memory until it moves.
    gazetteer_changes (id) {
        id -> Integer,
        changes -> BigInt,
    }
}

// The counts of changes are read beside a session (`accounts::sessions::lookup`, on
// PostgreSQL): each with the three tables of that statement.
diesel::allow_tables_to_appear_in_same_query!(
    sessions,
    gazetteer_changes,
    incident_changes,
    organization_changes,
    record_changes,
    evidence_changes
);
diesel::allow_tables_to_appear_in_same_query!(users, gazetteer_changes);
diesel::allow_tables_to_appear_in_same_query!(users, incident_changes);
diesel::allow_tables_to_appear_in_same_query!(users, organization_changes);
diesel::allow_tables_to_appear_in_same_query!(users, record_changes);
diesel::allow_tables_to_appear_in_same_query!(users, evidence_changes);
diesel::allow_tables_to_appear_in_same_query!(organizations, gazetteer_changes);
diesel::allow_tables_to_appear_in_same_query!(organizations, incident_changes);
diesel::allow_tables_to_appear_in_same_query!(organizations, organization_changes);
diesel::allow_tables_to_appear_in_same_query!(organizations, record_changes);
diesel::allow_tables_to_appear_in_same_query!(organizations, evidence_changes);

diesel::table! {
    /// An organisation's logo for its reports: a PNG drawn by the application from the upload.
    organization_logos (organization_id) {
        organization_id -> BigInt,
        image -> Binary,
        sha256 -> Text,
        width -> Integer,
        height -> Integer,
        updated_at -> Timestamp,
    }
}
