//! A photo with GPS tags and a text file attached in the app, shared to the
//! embedded server and continued in Parlor: what the server holds has no
//! metadata left, a file left out never leaves the app, and the imported
//! session has the files back.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_core::Role;
use chat_core::fixtures::files::{JPEG_WITH_GPS, METADATA_MARKERS, PNG_WITH_TEXT};
use parlor::share::{self, ShareOptions};
use parlor::store::{NewMessage, SessionConfig};

use super::{app, get, share_now};

#[tokio::test]
async fn a_shared_photo_reaches_the_server_without_its_gps_and_comes_back_on_import() {
    let app = app();
    let core = &app.core;
    let session = core
        .store
        .create_session(&SessionConfig {
            title: "Holiday".into(),
            provider_id: "openai".into(),
            model: "gpt-4o".into(),
            ..SessionConfig::default()
        })
        .unwrap();
    let named: [(&str, &[u8]); 3] = [
        ("beach.jpg", JPEG_WITH_GPS),
        ("private.png", PNG_WITH_TEXT),
        ("notes.txt", b"Bring an umbrella.\n"),
    ];
    let [photo, private, notes] = named.map(|(name, bytes)| {
        parlor::attachments::add(&core.store, name, None, &STANDARD.encode(bytes)).unwrap()
    });
    let mut question = NewMessage::new(Role::User, "Where is this?");
    question.attachments = [&photo, &private, &notes]
        .map(|f| f.sha256.clone())
        .to_vec();
    let answer = NewMessage::new(Role::Assistant, "A beach.");
    core.store
        .append_messages(&session.id, vec![question, answer])
        .unwrap();

    let options = ShareOptions {
        leave_out_attachments: vec![private.sha256.clone()],
        ..ShareOptions::default()
    };
    let listed = share::shared_files(core, &session.id, &options).unwrap();
    assert_eq!(
        listed.len(),
        3,
        "the dialog lists every file, left out or not"
    );
    let result = share_now(&app, &session.id, &options).await;

    // The server's copy of the conversation.
    let base = result.share_url.split("/shared/").next().unwrap();
    let api = format!("{base}/api/v0/shared-chats/{}", result.share_id);
    let (status, json) = get(&api).await;
    assert_eq!(status, 200, "{json}");
    for marker in METADATA_MARKERS {
        let marker = String::from_utf8_lossy(marker);
        assert!(
            !json.contains(marker.as_ref()),
            "{marker} reached the server"
        );
    }
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    let shared = &data["data"]["messages"][0]["attachments"];
    let names: Vec<&str> = shared
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["beach.jpg", "notes.txt"]);
    let (_, stored) = core.store.attachment(&photo.sha256).unwrap();
    assert_eq!(shared[0]["data"], STANDARD.encode(&stored));
    assert_eq!(shared[0]["sha256"], photo.sha256);

    let imported = share::import_share(core, &result.share_url).await.unwrap();
    let messages = core.store.all_messages(&imported.id).unwrap();
    let back: Vec<(&str, &str)> = messages[0]
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.sha256.as_str()))
        .collect();
    assert_eq!(
        back,
        [
            ("beach.jpg", photo.sha256.as_str()),
            ("notes.txt", notes.sha256.as_str())
        ]
    );
    parlor::embedded::shutdown(core).await;
}
