fn main() {
    // One `allow-<name>` permission per command the contract declares.
    let manifest = tauri_build::AppManifest::new().commands(contract::COMMANDS);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
