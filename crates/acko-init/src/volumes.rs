//! Volume initialisation (once per PVC) and wiping (only volumes named by this pod's own
//! wipe request, `wipe-<pod>.json` in the ConfigMap: see [`acko_api::contract::WipeRequest`]).
//!
//! ## Wiping is per pod, never per rack
//! The ConfigMap is shared by every pod of the rack, so a wipe request names the pod and the
//! claim; [`prepare_all`] refuses (touching nothing) a request whose pod or claim is not this
//! pod's. A filesystem volume records the request id in its marker, so the same request is
//! never carried out twice (a pod restarting before the operator removed the request keeps
//! its new data).
//!
//! ## How "already initialised" is recorded — on the volume itself
//! - **Filesystem volumes**: a marker file `.acko-initialized` in the volume root, holding
//!   JSON with the claim (`<volume>-<pod>`), pod, namespace, method and time. A new PVC has
//!   no marker, so it is initialised; every later start finds the marker and leaves the data
//!   alone. A volume without a marker that already holds files (e.g. adopted from another
//!   operator) is **not** initialised: the marker is written and a warning logged.
//! - **Block devices**: Aerospike's own device header is the marker. A device that starts
//!   with Aerospike's header magic (`0x4349747275730322`, little-endian, at offset 0) is in
//!   use and never initialised again. Until asd formats a freshly initialised device there is
//!   no data on it, so running the init method again then loses nothing. acko-init writes
//!   nothing of its own onto a raw device: CE 8 refuses to start ("not an Aerospike device
//!   but not erased") when the header region of a device without the magic is not all zeros,
//!   and everything past the header belongs to asd's write blocks.
//!
//! ## Methods
//! | method | kind | effect |
//! |---|---|---|
//! | `deleteFiles` | filesystem | delete everything under the mount point except `lost+found` |
//! | `dd` | block | write zeros over the whole device |
//! | `blkdiscard` | block | discard the whole device: `fallocate(PUNCH_HOLE)` (the kernel's zero-out/discard), falling back to the `blkdiscard` tool for devices without write-zeroes; on a regular file, punching holes or writing zeros |
//! | `headerCleanup` | block | zero the first 8 MiB: Aerospike's reserved device header region (`DRV_HEADER_SIZE`); zeroing only 4 KiB would leave a non-zero header without magic, which CE 8 refuses |
//! | `blkdiscardWithHeaderCleanup` | block | `blkdiscard`, then `headerCleanup` |

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::InitError;
use crate::settings::{VolumeMethod, VolumeSettings, WipeRequest};

/// The marker file in filesystem volumes.
pub const MARKER_FILE: &str = ".acko-initialized";
/// Aerospike's device header magic (`DRV_HEADER_MAGIC`), stored little-endian at offset 0.
pub const AEROSPIKE_HEADER_MAGIC: u64 = 0x4349_7472_7573_0322;
/// Aerospike's reserved device header region (`DRV_HEADER_SIZE`, 8 MiB).
pub const AEROSPIKE_HEADER_REGION: u64 = 8 * 1024 * 1024;

const CHUNK: usize = 1024 * 1024;

/// Who a volume belongs to, recorded in the marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The pod name.
    pub pod: String,
    /// The pod namespace.
    pub namespace: String,
}

/// What was (or, in a dry run, would be) done to one volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeReport {
    /// The volume name.
    pub volume: String,
    /// The action.
    pub action: VolumeAction,
    /// Warnings worth logging.
    pub warnings: Vec<String>,
}

/// The outcome for one volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum VolumeAction {
    /// Initialised with `method` (the first start on this PVC).
    Initialized {
        /// The init method.
        method: VolumeMethod,
    },
    /// Wiped with `method` because this pod's wipe request named it.
    Wiped {
        /// The wipe method.
        method: VolumeMethod,
    },
    /// Left alone.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// Marker file content.
#[derive(Debug, Serialize)]
struct Marker<'a> {
    volume: &'a str,
    claim: String,
    pod: &'a str,
    namespace: &'a str,
    method: &'a str,
    initialized_at_unix: u64,
    /// The wipe request carried out last (absent when never wiped).
    #[serde(skip_serializing_if = "Option::is_none")]
    wipe_request_id: Option<&'a str>,
}

/// Initialises or wipes every volume. `wipe` is this pod's wipe request (if any): it must
/// name this pod and this pod's claims, else nothing is touched and an error is returned.
pub fn prepare_all(
    volumes: &[VolumeSettings],
    wipe: Option<&WipeRequest>,
    owner: &Owner,
    dry_run: bool,
) -> Result<Vec<VolumeReport>, InitError> {
    if let Some(request) = wipe
        && let Err(why) = request.check(&owner.pod, volumes)
    {
        return Err(InitError::input(
            acko_api::contract::wipe_request_key(&owner.pod),
            format!(
                "a wipe request for pod {:?} and its claims <volume>-{}",
                owner.pod, owner.pod
            ),
            why,
        ));
    }
    volumes
        .iter()
        .map(|v| {
            let request = wipe
                .filter(|r| r.names(&v.name))
                .map(|r| r.request_id.as_str());
            prepare_volume(v, request, owner, dry_run)
        })
        .collect()
}

/// The wipe request id recorded in a filesystem volume's marker, if any.
fn recorded_wipe(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(MARKER_FILE)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("wipe_request_id")?.as_str().map(str::to_owned)
}

/// Initialises (once) or wipes (when `wipe` is the id of a wipe request naming it, not yet
/// carried out on this volume) one volume.
pub fn prepare_volume(
    vol: &VolumeSettings,
    wipe: Option<&str>,
    owner: &Owner,
    dry_run: bool,
) -> Result<VolumeReport, InitError> {
    let err = |message: String| InitError::Volume {
        volume: vol.name.clone(),
        path: vol.path.clone(),
        message,
    };
    check_method(vol, vol.init_method, "initMethod").map_err(err)?;
    check_method(vol, vol.wipe_method, "wipeMethod").map_err(err)?;
    let path = Path::new(&vol.path);
    let meta = std::fs::metadata(path).map_err(|e| {
        err(format!(
            "cannot stat the {} ({e}); is it mounted at this path in the init container?",
            if vol.block { "device" } else { "mount point" }
        ))
    })?;
    if vol.block && meta.is_dir() {
        return Err(err("declared as a block volume but the path is a directory; use volumeMode: Block (volumeDevices) or block: false".into()));
    }
    if !vol.block && !meta.is_dir() {
        return Err(err(
            "declared as a filesystem volume but the path is not a directory".into(),
        ));
    }
    let mut warnings = Vec::new();
    let report = |action, warnings| VolumeReport {
        volume: vol.name.clone(),
        action,
        warnings,
    };

    let wipe = match wipe {
        Some(id) if !vol.block && recorded_wipe(path).as_deref() == Some(id) => {
            warnings.push(format!(
                "wipe request {id:?} was already carried out on this volume: not wiped again"
            ));
            None
        }
        other => other,
    };
    if let Some(id) = wipe
        && vol.wipe_method != VolumeMethod::None
    {
        if !dry_run {
            run_method(vol, vol.wipe_method).map_err(err)?;
            if !vol.block {
                write_marker(path, vol, owner, vol.wipe_method, Some(id)).map_err(err)?;
            }
        }
        return Ok(report(
            VolumeAction::Wiped {
                method: vol.wipe_method,
            },
            warnings,
        ));
    }
    if wipe.is_some() {
        warnings.push("named by the wipe request but wipeMethod is none: not wiped".to_string());
    }

    if vol.block {
        let state = device_state(path).map_err(|e| err(format!("reading the header: {e}")))?;
        match state {
            DeviceState::Aerospike => {
                return Ok(report(
                    VolumeAction::Skipped {
                        reason: "device carries an Aerospike header (in use)".into(),
                    },
                    warnings,
                ));
            }
            DeviceState::Foreign if vol.init_method == VolumeMethod::None => warnings.push(
                "device has non-zero data in its first 4 KiB but no Aerospike header; asd will refuse it unless it is erased (set initMethod, e.g. headerCleanup)".into(),
            ),
            _ => {}
        }
        if vol.init_method == VolumeMethod::None {
            return Ok(report(
                VolumeAction::Skipped {
                    reason: "initMethod none".into(),
                },
                warnings,
            ));
        }
        if !dry_run {
            run_method(vol, vol.init_method).map_err(err)?;
        }
        return Ok(report(
            VolumeAction::Initialized {
                method: vol.init_method,
            },
            warnings,
        ));
    }

    // Filesystem volume.
    if path.join(MARKER_FILE).exists() {
        return Ok(report(
            VolumeAction::Skipped {
                reason: format!("already initialised ({MARKER_FILE} present)"),
            },
            warnings,
        ));
    }
    let has_data = dir_has_data(path).map_err(|e| err(format!("listing: {e}")))?;
    let action = if has_data {
        warnings.push(format!(
            "no {MARKER_FILE} but the volume already holds files: adopted as initialised, not {}",
            vol.init_method.as_str()
        ));
        VolumeAction::Skipped {
            reason: "adopted existing data".into(),
        }
    } else if vol.init_method == VolumeMethod::None {
        VolumeAction::Skipped {
            reason: "initMethod none (marked initialised)".into(),
        }
    } else {
        VolumeAction::Initialized {
            method: vol.init_method,
        }
    };
    if !dry_run {
        if let VolumeAction::Initialized { method } = action {
            run_method(vol, method).map_err(err)?;
        }
        write_marker(path, vol, owner, vol.init_method, None).map_err(err)?;
    }
    Ok(report(action, warnings))
}

fn check_method(vol: &VolumeSettings, m: VolumeMethod, field: &str) -> Result<(), String> {
    let ok = match m {
        VolumeMethod::None => true,
        VolumeMethod::DeleteFiles => !vol.block,
        _ => vol.block,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{field} {} does not apply to a {} volume (filesystem: none|deleteFiles; block: none|dd|blkdiscard|headerCleanup|blkdiscardWithHeaderCleanup)",
            m.as_str(),
            if vol.block { "block" } else { "filesystem" }
        ))
    }
}

/// What the start of a block device holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Aerospike's header magic: in use.
    Aerospike,
    /// The first 4 KiB are zero: fresh.
    Zero,
    /// Something else.
    Foreign,
}

/// Reads the first 4 KiB of a device (or file) and classifies it.
pub fn device_state(path: &Path) -> std::io::Result<DeviceState> {
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; 4096];
    let mut filled = 0;
    while filled < buf.len() {
        let n = f.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let head = &buf[..filled];
    if head.len() >= 8 && head[..8] == AEROSPIKE_HEADER_MAGIC.to_le_bytes() {
        Ok(DeviceState::Aerospike)
    } else if head.iter().all(|b| *b == 0) {
        Ok(DeviceState::Zero)
    } else {
        Ok(DeviceState::Foreign)
    }
}

fn dir_has_data(path: &Path) -> std::io::Result<bool> {
    for entry in std::fs::read_dir(path)? {
        let name = entry?.file_name();
        if name != "lost+found" {
            return Ok(true);
        }
    }
    Ok(false)
}

fn write_marker(
    dir: &Path,
    vol: &VolumeSettings,
    owner: &Owner,
    method: VolumeMethod,
    wipe_request_id: Option<&str>,
) -> Result<(), String> {
    let marker = Marker {
        volume: &vol.name,
        claim: acko_api::names::claim(&vol.name, &owner.pod),
        pod: &owner.pod,
        namespace: &owner.namespace,
        method: method.as_str(),
        initialized_at_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        wipe_request_id,
    };
    let json = serde_json::to_vec_pretty(&marker).map_err(|e| e.to_string())?;
    crate::conf::write_atomically(&dir.join(MARKER_FILE), &json).map_err(|e| e.to_string())
}

fn run_method(vol: &VolumeSettings, method: VolumeMethod) -> Result<(), String> {
    let path = Path::new(&vol.path);
    tracing::info!(volume = %vol.name, path = %vol.path, method = method.as_str(), "running volume method");
    let r = match method {
        VolumeMethod::None => Ok(()),
        VolumeMethod::DeleteFiles => delete_files(path),
        VolumeMethod::Dd => zero_range(path, None),
        VolumeMethod::HeaderCleanup => zero_range(path, Some(AEROSPIKE_HEADER_REGION)),
        VolumeMethod::Blkdiscard => discard(path),
        VolumeMethod::BlkdiscardWithHeaderCleanup => {
            discard(path).and_then(|()| zero_range(path, Some(AEROSPIKE_HEADER_REGION)))
        }
    };
    r.map_err(|e| format!("{} failed: {e}", method.as_str()))
}

fn delete_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == "lost+found" {
            continue;
        }
        let p: PathBuf = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&p)?;
        } else {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

fn open_rw(path: &Path) -> std::io::Result<(File, u64)> {
    let mut f = OpenOptions::new().read(true).write(true).open(path)?;
    let size = f.seek(SeekFrom::End(0))?;
    f.seek(SeekFrom::Start(0))?;
    Ok((f, size))
}

/// Writes zeros from offset 0 for `limit` bytes (or the whole size), then syncs.
fn zero_range(path: &Path, limit: Option<u64>) -> std::io::Result<()> {
    let (mut f, size) = open_rw(path)?;
    let end = limit.map_or(size, |l| l.min(size));
    let zeros = vec![0u8; CHUNK];
    let mut pos = 0u64;
    while pos < end {
        let n = usize::try_from((end - pos).min(CHUNK as u64)).unwrap_or(CHUNK);
        f.write_all(&zeros[..n])?;
        pos += n as u64;
    }
    f.sync_all()
}

fn discard(path: &Path) -> std::io::Result<()> {
    use nix::fcntl::{FallocateFlags, fallocate};
    let (f, size) = open_rw(path)?;
    let is_block = f.metadata()?.file_type().is_block_device();
    let len = i64::try_from(size).map_err(std::io::Error::other)?;
    let flags = FallocateFlags::FALLOC_FL_PUNCH_HOLE | FallocateFlags::FALLOC_FL_KEEP_SIZE;
    match fallocate(&f, flags, 0, len) {
        Ok(()) => f.sync_all(),
        Err(errno) if !is_block => {
            tracing::info!(%errno, "punching holes not supported here; writing zeros instead");
            drop(f);
            zero_range(path, None)
        }
        Err(errno) => {
            tracing::info!(%errno, "fallocate zero-out unsupported by the device; running blkdiscard");
            let status = std::process::Command::new("blkdiscard")
                .arg(path)
                .status()
                .map_err(|e| {
                    std::io::Error::other(format!(
                        "the device does not support zero-out ({errno}) and the blkdiscard tool could not run ({e}); use initMethod dd or headerCleanup"
                    ))
                })?;
            if status.success() {
                Ok(())
            } else {
                Err(std::io::Error::other(format!(
                    "blkdiscard exited with {status}"
                )))
            }
        }
    }
}

#[cfg(test)]
#[path = "volumes_tests.rs"]
mod tests;
