//! The static log server serves only the checkpoint and canonical tile paths.

use freeport_server::{HttpSource, bind, serve_log};
use freeport_tlog::audit::Fetch;
use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_tlog::store::Log;

#[test]
fn serves_checkpoint_and_tiles_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
    let mut log = Log::init(dir.path(), "freedataport.example/log", &key.verifier()).unwrap();
    log.append(&[b"one".to_vec(), b"two".to_vec()]).unwrap();
    let checkpoint = log.checkpoint(&key).unwrap();
    let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let root = dir.path().to_owned();
    // The server runs until the test process exits.
    std::thread::spawn(move || serve_log(root, listener));
    let source = HttpSource::new(&url);
    let mut fetched = None;
    for _ in 0..50 {
        match source.fetch("checkpoint") {
            Ok(found) => {
                fetched = found;
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
    assert_eq!(fetched.unwrap(), checkpoint.as_bytes());
    assert_eq!(source.fetch("tile/0/000.p/2").unwrap().unwrap().len(), 64);
    assert!(source.fetch("tile/entries/000.p/2").unwrap().is_some());
    for hidden in [
        "state.json",
        "log.json",
        ".lock",
        "tile/0/x000/000.p/2",
        "tile/../log.json",
    ] {
        assert_eq!(source.fetch(hidden).unwrap(), None, "{hidden}");
    }
}
