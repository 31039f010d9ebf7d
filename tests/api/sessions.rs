//! The limits the README sets on sessions and sign-in, over HTTP: a session ends after the idle
//! limit and at its absolute lifetime however active; a locked sign-in opens again when the
//! lock expires, and each further failure doubles the lock up to the longest one. Time is
//! moved by changing the stored times, never by waiting.

use chrono::{NaiveDateTime, TimeDelta};
use corridor::accounts::throttle::account_key;
use corridor::db::schema::{login_throttle, sessions};
use corridor::domain::Role;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};

use crate::helpers::{Page, TestApp, PASSWORD, SESSION_COOKIE};

/// The stored times of the only session: (created, last seen, expires).
fn session_times(app: &TestApp) -> (NaiveDateTime, NaiveDateTime, NaiveDateTime) {
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    sessions::table
        .select((
            sessions::created_at,
            sessions::last_seen_at,
            sessions::expires_at,
        ))
        .first(&mut *conn)
        .expect("one session")
}

/// Moves every session's last activity to `ago` before now, and its end of life to `expires`
/// from now.
fn age_sessions(app: &TestApp, ago: TimeDelta, expires: TimeDelta) {
    let now = corridor::audit::now();
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    diesel::update(sessions::table)
        .set((
            sessions::last_seen_at.eq(now - ago),
            sessions::expires_at.eq(now + expires),
        ))
        .execute(&mut *conn)
        .expect("age the sessions");
}

/// The account's lock: until when, and after how many failures.
fn lock_of(app: &TestApp, username: &str) -> (Option<NaiveDateTime>, i32) {
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    login_throttle::table
        .find(account_key(username))
        .select((login_throttle::locked_until, login_throttle::failures))
        .first(&mut *conn)
        .expect("a throttle row for the account")
}

/// Lets every lock run out (it ended a second ago).
fn expire_locks(app: &TestApp) {
    let past = corridor::audit::now() - TimeDelta::seconds(1);
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    diesel::update(login_throttle::table.filter(login_throttle::locked_until.is_not_null()))
        .set(login_throttle::locked_until.eq(Some(past)))
        .execute(&mut *conn)
        .expect("expire the locks");
}

/// How long from now the account stays locked, in whole seconds.
fn locked_for(app: &TestApp, username: &str) -> i64 {
    let (until, _) = lock_of(app, username);
    let until = until.unwrap_or_else(|| panic!("{username} is not locked"));
    (until - corridor::audit::now()).num_seconds()
}

fn signed_out(what: &str, page: &Page) {
    assert!(
        page.is_login_refusal(),
        "{what}: still signed in ({})",
        page.status
    );
}

fn sign_in_refused(what: &str, page: &Page) {
    assert_eq!(page.status, 422, "{what}: {:?}", page.location);
    assert!(
        page.set_cookie(SESSION_COOKIE).is_none(),
        "{what}: signed in"
    );
}

both_backends! {
    async fn a_session_ends_after_the_idle_limit(app: TestApp)
    where settings = |raw| raw.session_idle_minutes = "30".into();
    {
        app.seed_user("omar.reporter", Role::Reporter, "WHO");
        let token = app.login("omar.reporter").await.session_token();
        assert_eq!(app.get("/").await.status, 200);
        // 29 minutes without a request: still signed in (and the request counts as activity).
        age_sessions(&app, TimeDelta::minutes(29), TimeDelta::hours(6));
        assert_eq!(app.get("/").await.status, 200, "ended before the idle limit");
        let (_, seen, _) = session_times(&app);
        assert!(corridor::audit::now() - seen < TimeDelta::minutes(1), "the request was activity");
        // 31 minutes: ended, for good and for every copy of the cookie.
        age_sessions(&app, TimeDelta::minutes(31), TimeDelta::hours(6));
        signed_out("idle 31 minutes", &app.get("/").await);
        signed_out("the same cookie again", &app.get_with_session(&token, "/incidents").await);
        assert_eq!(app.count("sessions"), 0);
        assert_eq!(app.count_where("audit_events", "action = 'session.end' AND details LIKE '%idle%'"), 1);
    }

    async fn a_session_ends_at_its_absolute_lifetime_however_active(app: TestApp)
    where settings = |raw| raw.session_max_hours = "2".into();
    {
        app.seed_user("omar.reporter", Role::Reporter, "WHO");
        app.login("omar.reporter").await;
        let (created, _, expires) = session_times(&app);
        assert_eq!(expires - created, TimeDelta::hours(2), "the lifetime the setting gives");
        // Active a moment ago, a minute before the end: still signed in.
        age_sessions(&app, TimeDelta::seconds(5), TimeDelta::minutes(1));
        assert_eq!(app.get("/").await.status, 200);
        // Active a moment ago, past the end: ended.
        age_sessions(&app, TimeDelta::seconds(5), TimeDelta::seconds(-1));
        signed_out("past its lifetime", &app.get("/").await);
        assert_eq!(app.count("sessions"), 0);
        assert_eq!(app.count_where("audit_events", "action = 'session.end' AND details LIKE '%lifetime%'"), 1);
        // Signing in again starts a new lifetime.
        app.login("omar.reporter").await;
        assert_eq!(app.get("/").await.status, 200);
    }

    async fn a_lock_expires_and_each_further_failure_doubles_it_up_to_the_longest(app: TestApp)
    where settings = |raw| {
        raw.lockout_threshold = "3".into();
        raw.lockout_base_seconds = "60".into();
        raw.lockout_max_seconds = "200".into();
    };
    {
        app.seed_user("lena.field", Role::Reporter, "WHO");
        let c = &app.client;
        for n in 1..=2 {
            sign_in_refused(&format!("failure {n}"), &app.try_login_with(c, "lena.field", "wrong-guess-wrong-guess").await);
            assert_eq!(lock_of(&app, "lena.field"), (None, n), "no lock before the threshold");
        }
        // The third failure locks for the base time.
        sign_in_refused("failure 3", &app.try_login_with(c, "lena.field", "wrong-guess-wrong-guess").await);
        let first = locked_for(&app, "lena.field");
        assert!((58..=60).contains(&first), "first lock {first} s");
        // Signing in while locked is refused without counting, and does not extend the lock,
        // even with the right password.
        sign_in_refused("right password while locked", &app.try_login_with(c, "lena.field", PASSWORD).await);
        assert!((58..=60).contains(&locked_for(&app, "lena.field")), "the lock is not extended");
        assert_eq!(lock_of(&app, "lena.field").1, 3, "an attempt during a lock is not counted");
        // Each further failure after a lock ran out doubles it, up to the longest lock.
        expire_locks(&app);
        sign_in_refused("failure after the first lock", &app.try_login_with(c, "lena.field", "wrong-guess-wrong-guess").await);
        let second = locked_for(&app, "lena.field");
        assert!((118..=120).contains(&second), "second lock {second} s");
        expire_locks(&app);
        sign_in_refused("failure after the second lock", &app.try_login_with(c, "lena.field", "wrong-guess-wrong-guess").await);
        let third = locked_for(&app, "lena.field");
        assert!((198..=200).contains(&third), "third lock {third} s: 240, held to the longest 200");
        assert_eq!(lock_of(&app, "lena.field").1, 5, "five failures counted");
        assert_eq!(app.count_where("audit_events", "action = 'auth.login_failed' AND details LIKE '%\"reason\":\"locked\"%'"), 1);
        // The lock expires by itself: the right password signs in, and the count starts over.
        expire_locks(&app);
        let page = app.login_with(c, "lena.field", PASSWORD).await;
        assert_eq!(page.location.as_deref(), Some("/"));
        assert_eq!(app.get("/").await.status, 200);
        assert_eq!(app.count_where("login_throttle", &format!("throttle_key = '{}'", account_key("lena.field"))), 0);
    }
}
