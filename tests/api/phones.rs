//! On a phone: every main page of every role fits a 360-pixel screen without sideways
//! scrolling (tables scroll inside their own box), and Enter in a form saves it. One browser
//! session; a screenshot of each page at 360 px is kept in `target/browser-artifacts/`
//! (`…-<role>-<page>.png`), and of each at 1280 px for comparison.

use crate::browser::Browser;
use crate::forms::{arrange, main_pages};
use crate::helpers::PASSWORD;

/// The narrowest phone screens in common use, in CSS pixels.
const PHONE: u32 = 360;

async fn sign_in(b: &Browser, username: &str) {
    b.goto("/login").await;
    b.fill("username", username).await;
    b.fill("password", PASSWORD).await;
    b.press("Sign in").await;
    b.sees(&format!("Welcome, {username}")).await;
}

async fn number(b: &Browser, script: &str) -> i64 {
    b.client()
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
        .as_i64()
        .unwrap_or(-1)
}

/// A page's address as part of a file name: `/incidents/1/edit` → `incidents-1-edit`.
fn file_part(path: &str) -> String {
    let name = path.trim_matches('/').replace('/', "-");
    if name.is_empty() {
        "home".into()
    } else {
        name
    }
}

// On SQLite only: a page's width does not depend on the database, and the walk over every
// page of every role is the suite's longest browser test.
#[cfg_attr(
    not(corridor_test_browser),
    ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
)]
#[actix_web::test]
async fn pages_fit_a_phone_and_enter_saves() {
    {
        let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
        let a = arrange(&app).await;
        let b = Browser::start(&app, module_path!()).await;

        // Enter in the convoy form saves it (the "add rows" button is not the first one).
        sign_in(&b, "omar.reporter").await;
        b.goto("/convoys/new").await;
        b.fill("origin", "Damascus").await;
        b.fill("destination", "Douma").await;
        b.fill("trucks", "9").await;
        b.fill("line_item_0", "Trauma kits").await;
        b.choose("line_sector_0", "Health").await;
        b.fill("line_quantity_0", "40").await;
        b.fill("line_unit_0", "food parcels").await;
        let trucks = b.by_id("trucks").await;
        trucks.send_keys("\u{E007}").await.expect("press Enter");
        b.sees("Convoy recorded.").await;
        let path = b.path().await;
        assert!(
            path.starts_with(&format!("/convoys/{}", a.convoy + 1)),
            "Enter saved the convoy: {path}"
        );

        let mut wide = Vec::new();
        for (role, username, _) in &a.clients {
            b.client().delete_all_cookies().await.expect("sign out");
            b.client()
                .set_window_size(1280, 900)
                .await
                .expect("window size");
            sign_in(&b, username).await;
            for path in main_pages(*role, a.incident, a.convoy, a.need) {
                let name = format!("{role:?}-{}", file_part(&path)).to_lowercase();
                b.client()
                    .set_window_size(1280, 900)
                    .await
                    .expect("window size");
                b.goto(&path).await;
                b.screenshot(&format!("{name}-1280")).await;
                b.client()
                    .set_window_size(PHONE, 800)
                    .await
                    .expect("window size");
                b.goto(&path).await;
                let viewport = number(&b, "return document.documentElement.clientWidth").await;
                assert!(
                    viewport <= i64::from(PHONE),
                    "the window is a phone's: {viewport}px"
                );
                let width = number(&b, "return document.documentElement.scrollWidth").await;
                b.screenshot(&format!("{name}-360")).await;
                if width > viewport {
                    wide.push(format!("{path} as {role:?}: {width}px"));
                }
            }
        }
        assert!(
            wide.is_empty(),
            "pages wider than a {PHONE}px screen:\n{}",
            wide.join("\n")
        );
        b.close().await;
    }
}
