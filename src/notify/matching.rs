//! Saved searches run through their owner's scope: which records a search finds now (a
//! feed's entries), and whether one changed record is among them (an event's subscribers).
//! The lists' own scoped queries do the filtering, so a search shows what its list would.

use chrono::{Datelike, NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;

use super::message::{self, Message};
use super::searches::{Kind, SavedSearch};
use super::subscriptions::{Channel, Frequency, Subscription};
use crate::accounts::users;
use crate::audit;
use crate::db::schema::{
    convoys, deliveries, incidents, needs, notification_events, saved_searches, subscriptions,
};
use crate::db::DbConn;
use crate::error::AppError;
use crate::permissions::{self, Action, Viewer};
use crate::records::Scope;

/// The ids a saved search finds for `viewer`, most recently changed first: all of them up to
/// `limit`, or only `only` if it is among them.
pub fn found_ids(
    conn: &mut DbConn,
    viewer: Viewer,
    search: &SavedSearch,
    only: Option<i64>,
    limit: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(match search.kind() {
        Kind::Incidents => {
            let query: crate::incidents::list::ListQuery = parse_query(&search.query);
            let (filter, ..) = query.parse();
            let mut q = crate::incidents::list::filtered(conn, viewer, &filter);
            if let Some(id) = only {
                q = q.filter(incidents::id.eq(id));
            }
            q.order((incidents::updated_at.desc(), incidents::id.desc()))
                .limit(limit)
                .select(incidents::id)
                .load(conn)?
        }
        Kind::Convoys => {
            let query: crate::convoys::list::ListQuery = parse_query(&search.query);
            let (filter, ..) = query.parse();
            let mut q = crate::convoys::list::filtered(viewer, &filter);
            if let Some(id) = only {
                q = q.filter(convoys::id.eq(id));
            }
            q.order((convoys::updated_at.desc(), convoys::id.desc()))
                .limit(limit)
                .select(convoys::id)
                .load(conn)?
        }
        Kind::Needs => {
            let query: crate::needs::list::ListQuery = parse_query(&search.query);
            let (filter, _) = query.parse();
            let mut q = crate::needs::list::filtered(viewer, &filter);
            if let Some(id) = only {
                q = q.filter(needs::id.eq(id));
            }
            q.order((needs::updated_at.desc(), needs::id.desc()))
                .limit(limit)
                .select(needs::id)
                .load(conn)?
        }
    })
}

/// A saved query string, read as the list reads its own (unknown values are ignored).
fn parse_query<T: serde::de::DeserializeOwned + Default>(query: &str) -> T {
    serde_html_form::from_str(query).unwrap_or_default()
}

/// The scope of a subscription's owner now; `None` when the account is disabled.
pub fn owner_scope(conn: &mut DbConn, user_id: i64) -> Result<Option<Scope>, AppError> {
    let (user, _) = users::find(conn, user_id)?;
    Ok(user.disabled_at.is_none().then(|| {
        Scope::of(Viewer {
            role: user.role(),
            organization_id: user.organization_id,
        })
    }))
}

/// When a message for this subscription is due: at once, or at the next digest (midnight
/// UTC; Monday for a weekly one).
pub fn due_at(frequency: Frequency, now: NaiveDateTime) -> NaiveDateTime {
    let midnight = |days: i64| (now.date() + TimeDelta::days(days)).and_time(NaiveTime::MIN);
    match frequency {
        Frequency::Immediate => now,
        Frequency::Daily => midnight(1),
        Frequency::Weekly => midnight(7 - i64::from(now.weekday().num_days_from_monday())),
    }
}

/// Writes a delivery of `message` for `sub`.
pub fn enqueue(
    conn: &mut DbConn,
    sub: &Subscription,
    event_id: Option<i64>,
    message: &Message,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::subscription_id.eq(sub.id),
            deliveries::event_id.eq(event_id),
            deliveries::payload.eq(serde_json::to_string(message).map_err(anyhow::Error::from)?),
            deliveries::status.eq("pending"),
            deliveries::due_at.eq(due_at(sub.frequency(), now)),
            deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable)]
struct QueuedEvent {
    id: i64,
    kind: String,
    entity_type: String,
    entity_id: i64,
}

/// Turns claimed events into deliveries: for each active webhook and email subscription whose
/// search finds the record, through its owner's scope now, one message cut to that scope.
/// Each event is done in one transaction, so a crash leaves it to be claimed again.
pub fn process(conn: &mut DbConn, claimed: &[i64], base_url: &str) -> Result<usize, AppError> {
    let subs: Vec<(Subscription, SavedSearch)> = subscriptions::table
        .inner_join(saved_searches::table)
        .filter(subscriptions::revoked_at.is_null())
        .filter(subscriptions::channel.ne(Channel::Feed.code()))
        .select((Subscription::as_select(), SavedSearch::as_select()))
        .load(conn)?;
    let mut written = 0;
    for id in claimed {
        let event: QueuedEvent = notification_events::table
            .find(id)
            .select((
                notification_events::id,
                notification_events::kind,
                notification_events::entity_type,
                notification_events::entity_id,
            ))
            .first(conn)?;
        written += conn.transaction::<_, AppError, _>(|conn| {
            let now = audit::now();
            // Marked done first (undone with the rest if anything fails): a write before any
            // read makes SQLite take its write lock at once rather than fail part-way.
            diesel::update(notification_events::table.find(event.id))
                .set((
                    notification_events::processed_at.eq(now),
                    notification_events::claimed_by.eq(None::<String>),
                ))
                .execute(conn)?;
            let mut n = 0;
            for (sub, search) in &subs {
                let Some(scope) = owner_scope(conn, sub.user_id)? else {
                    continue;
                };
                let message = if event.entity_type == "report" {
                    // Reports are for those who may run them, whatever their search.
                    let may = permissions::allows(scope.viewer().role, Action::RunReports)
                        && search.kind() == Kind::Incidents;
                    may.then(|| message::report(base_url, now))
                } else if search.kind().entity_type() == event.entity_type
                    && !found_ids(conn, scope.viewer(), search, Some(event.entity_id), 1)?
                        .is_empty()
                {
                    message::of_record(conn, &scope, &event.entity_type, event.entity_id, base_url)?
                        .map(|mut m| {
                            m.event = event.kind.clone();
                            m
                        })
                } else {
                    None
                };
                if let Some(m) = message {
                    enqueue(conn, sub, Some(event.id), &m, now)?;
                    n += 1;
                }
            }
            Ok(n)
        })?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn digests_wait_for_midnight_or_monday() {
        // 2026-12-02 is a Wednesday.
        let now = NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(15, 30, 0)
            .unwrap();
        assert_eq!(due_at(Frequency::Immediate, now), now);
        assert_eq!(
            due_at(Frequency::Daily, now).to_string(),
            "2026-12-03 00:00:00"
        );
        assert_eq!(
            due_at(Frequency::Weekly, now).to_string(),
            "2026-12-07 00:00:00"
        );
    }
}
