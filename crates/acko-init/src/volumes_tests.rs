use super::*;

fn owner() -> Owner {
    Owner {
        pod: "demo-1-0".into(),
        namespace: "aerospike".into(),
    }
}

fn fs_volume(dir: &Path, init: VolumeMethod, wipe: VolumeMethod) -> VolumeSettings {
    VolumeSettings {
        name: "data".into(),
        path: dir.display().to_string(),
        block: false,
        init_method: init,
        wipe_method: wipe,
    }
}

fn block_volume(file: &Path, init: VolumeMethod, wipe: VolumeMethod) -> VolumeSettings {
    VolumeSettings {
        name: "dev".into(),
        path: file.display().to_string(),
        block: true,
        init_method: init,
        wipe_method: wipe,
    }
}

/// A "device" file of `size` bytes filled with 0xAB, optionally starting with Aerospike's magic.
fn device(dir: &Path, size: usize, aerospike: bool) -> PathBuf {
    let path = dir.join("disk.img");
    let mut data = vec![0xABu8; size];
    if aerospike {
        data[..8].copy_from_slice(&AEROSPIKE_HEADER_MAGIC.to_le_bytes());
    }
    std::fs::write(&path, data).unwrap();
    path
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn filesystem_init_runs_once_per_volume() {
    let dir = tempfile::tempdir().unwrap();
    let vol = fs_volume(dir.path(), VolumeMethod::DeleteFiles, VolumeMethod::None);

    let first = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert_eq!(
        first.action,
        VolumeAction::Initialized {
            method: VolumeMethod::DeleteFiles
        }
    );
    let marker = std::fs::read_to_string(dir.path().join(MARKER_FILE)).unwrap();
    let marker: serde_json::Value = serde_json::from_str(&marker).unwrap();
    assert_eq!(marker["claim"], "data-demo-1-0");
    assert_eq!(marker["method"], "deleteFiles");

    // asd writes data; an ordinary restart must keep it.
    std::fs::write(dir.path().join("test.dat"), b"records").unwrap();
    let second = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert!(matches!(second.action, VolumeAction::Skipped { .. }));
    assert_eq!(
        std::fs::read(dir.path().join("test.dat")).unwrap(),
        b"records"
    );
}

#[test]
fn filesystem_wipe_only_when_dirty() {
    let dir = tempfile::tempdir().unwrap();
    let vol = fs_volume(dir.path(), VolumeMethod::None, VolumeMethod::DeleteFiles);
    prepare_volume(&vol, None, &owner(), false).unwrap();
    std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
    std::fs::write(dir.path().join("sub/deeper/x"), b"x").unwrap();
    std::fs::write(dir.path().join("test.dat"), b"records").unwrap();
    std::fs::create_dir(dir.path().join("lost+found")).unwrap();

    let clean = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert!(matches!(clean.action, VolumeAction::Skipped { .. }));
    assert_eq!(
        names(dir.path()),
        [MARKER_FILE, "lost+found", "sub", "test.dat"]
    );

    // dry run reports but does nothing
    let dry = prepare_volume(&vol, Some("r1"), &owner(), true).unwrap();
    assert_eq!(
        dry.action,
        VolumeAction::Wiped {
            method: VolumeMethod::DeleteFiles
        }
    );
    assert_eq!(names(dir.path()).len(), 4);

    let wiped = prepare_volume(&vol, Some("r1"), &owner(), false).unwrap();
    assert_eq!(wiped.action, dry.action);
    assert_eq!(names(dir.path()), [MARKER_FILE, "lost+found"]);
}

#[test]
fn existing_data_without_marker_is_adopted_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.dat"), b"precious").unwrap();
    let vol = fs_volume(dir.path(), VolumeMethod::DeleteFiles, VolumeMethod::None);
    let r = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert!(matches!(r.action, VolumeAction::Skipped { .. }));
    assert!(r.warnings[0].contains("adopted"), "{:?}", r.warnings);
    assert_eq!(
        std::fs::read(dir.path().join("old.dat")).unwrap(),
        b"precious"
    );
    assert!(dir.path().join(MARKER_FILE).exists());
}

#[test]
fn block_header_cleanup_zeroes_exactly_the_header_region() {
    let dir = tempfile::tempdir().unwrap();
    let size = (AEROSPIKE_HEADER_REGION as usize) + 4096;
    let dev = device(dir.path(), size, false);
    let vol = block_volume(&dev, VolumeMethod::HeaderCleanup, VolumeMethod::None);
    let r = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert_eq!(
        r.action,
        VolumeAction::Initialized {
            method: VolumeMethod::HeaderCleanup
        }
    );
    let data = std::fs::read(&dev).unwrap();
    let header = AEROSPIKE_HEADER_REGION as usize;
    assert!(data[..header].iter().all(|b| *b == 0));
    assert!(data[header..].iter().all(|b| *b == 0xAB));
    assert_eq!(data.len(), size);
}

#[test]
fn block_device_in_use_is_never_reinitialised_but_wiped_when_dirty() {
    let dir = tempfile::tempdir().unwrap();
    let dev = device(dir.path(), 64 * 1024, true);
    let vol = block_volume(&dev, VolumeMethod::Dd, VolumeMethod::Dd);
    let r = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert!(matches!(r.action, VolumeAction::Skipped { .. }), "{r:?}");
    assert_eq!(device_state(&dev).unwrap(), DeviceState::Aerospike);

    let r = prepare_volume(&vol, Some("r1"), &owner(), false).unwrap();
    assert_eq!(
        r.action,
        VolumeAction::Wiped {
            method: VolumeMethod::Dd
        }
    );
    let data = std::fs::read(&dev).unwrap();
    assert_eq!(data.len(), 64 * 1024);
    assert!(data.iter().all(|b| *b == 0));
    // no acko bytes written onto the device
    assert_eq!(device_state(&dev).unwrap(), DeviceState::Zero);
}

#[test]
fn blkdiscard_on_a_file_zeroes_it_and_keeps_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let dev = device(dir.path(), 3 * 1024 * 1024 + 512, false);
    for method in [
        VolumeMethod::Blkdiscard,
        VolumeMethod::BlkdiscardWithHeaderCleanup,
    ] {
        std::fs::write(&dev, vec![0xABu8; 3 * 1024 * 1024 + 512]).unwrap();
        let vol = block_volume(&dev, method, VolumeMethod::None);
        let r = prepare_volume(&vol, None, &owner(), false).unwrap();
        assert_eq!(r.action, VolumeAction::Initialized { method });
        let data = std::fs::read(&dev).unwrap();
        assert_eq!(data.len(), 3 * 1024 * 1024 + 512);
        assert!(data.iter().all(|b| *b == 0), "{method:?}");
    }
}

#[test]
fn foreign_device_without_init_method_warns() {
    let dir = tempfile::tempdir().unwrap();
    let dev = device(dir.path(), 8192, false);
    let vol = block_volume(&dev, VolumeMethod::None, VolumeMethod::None);
    let r = prepare_volume(&vol, None, &owner(), false).unwrap();
    assert!(r.warnings[0].contains("asd will refuse it"), "{r:?}");
    assert_eq!(std::fs::read(&dev).unwrap(), vec![0xABu8; 8192]);
}

#[test]
fn wrong_method_kind_and_paths_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let dev = device(dir.path(), 4096, false);
    let cases = [
        (
            fs_volume(dir.path(), VolumeMethod::Dd, VolumeMethod::None),
            "initMethod dd does not apply to a filesystem volume",
        ),
        (
            block_volume(&dev, VolumeMethod::None, VolumeMethod::DeleteFiles),
            "wipeMethod deleteFiles does not apply to a block volume",
        ),
        (
            block_volume(dir.path(), VolumeMethod::Dd, VolumeMethod::None),
            "path is a directory",
        ),
        (
            fs_volume(&dev, VolumeMethod::None, VolumeMethod::None),
            "not a directory",
        ),
        (
            fs_volume(
                &dir.path().join("missing"),
                VolumeMethod::None,
                VolumeMethod::None,
            ),
            "is it mounted",
        ),
    ];
    for (vol, want) in cases {
        let err = prepare_volume(&vol, None, &owner(), false)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("volume {} ({})", vol.name, vol.path)),
            "{err}"
        );
        assert!(err.contains(want), "{err}");
    }
    let err = prepare_all(
        &[],
        Some(&WipeRequest::new("demo-1-0", "r1", &["ghost"])),
        &owner(),
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("\"ghost\""), "{err}");
}
