//! A power cut, simulated (issue 10, point 3; docs/robustness.md). Test support only: never linked into
//! the app or the command line.
//!
//! [`install`] registers an SQLite VFS, as the process's default, whose files live in memory as two
//! images each: what the program sees (every write applied) and what the storage holds durably (the
//! writes up to the file's last `xSync`). [`Disk::arm`] cuts the power after a given number of
//! further writes, truncations and syncs: from that operation on, every one of them fails (the device is
//! dead), reads still answer. [`Disk::power_on`] then brings the storage back as a real one would after
//! the cut: each file is its durable image plus a random choice of the writes that had not been synced,
//! each kept whole, lost, or torn at 512-byte sectors (`torn`), in the order they were made; the
//! shared memory of WAL mode (never durable) is gone. SQLite is told its sectors are 512 bytes and that
//! a write does not disturb bytes outside it (`POWERSAFE_OVERWRITE`, as the Unix VFS says by default).
//!
//! The model of SQLite's own crash tests (`test6.c`), kept small: file creation and deletion are
//! durable at once (the directory is not modelled), and every connection of the process shares one disk.
//! Locks (the database file's and the WAL index's) are kept between the connections of this process.
//!
//! No maintained crate offers this over SQLCipher's bundled SQLite (the VFS crates wrap a plain one and
//! keep no unsynced state), hence this small FFI layer; it is the only `unsafe` code of the workspace.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::{Mutex, MutexGuard, OnceLock};

use rand::{Rng, SeedableRng};
use rusqlite::ffi;

const SECTOR: usize = 512;

/// An operation on a file since its last sync.
enum Op {
    Write { offset: usize, data: Vec<u8> },
    Truncate(usize),
}

impl Op {
    fn apply(&self, image: &mut Vec<u8>) {
        match self {
            Op::Write { offset, data } => {
                let end = offset + data.len();
                if image.len() < end {
                    image.resize(end, 0);
                }
                image[*offset..end].copy_from_slice(data);
            }
            Op::Truncate(size) => image.truncate(*size),
        }
    }
}

#[derive(Default)]
struct File {
    /// What the program sees.
    current: Vec<u8>,
    /// What the storage keeps through a power cut.
    durable: Vec<u8>,
    pending: Vec<Op>,
}

/// One WAL index (`-shm`): regions of memory shared by the connections of a database, and its eight locks.
#[derive(Default)]
struct Shm {
    regions: Vec<Box<[u8]>>,
    /// The connections that mapped it.
    users: Vec<u64>,
    shared: [Vec<u64>; 8],
    exclusive: [Option<u64>; 8],
}

#[derive(Default)]
struct State {
    files: HashMap<String, File>,
    /// The database file locks: each connection's level (SQLITE_LOCK_*), per file.
    locks: HashMap<String, HashMap<u64, c_int>>,
    shm: HashMap<String, Shm>,
    next_id: u64,
    ops: u64,
    cut_at: Option<u64>,
    cut: bool,
    syncs: u64,
}

impl State {
    /// Counts a write, truncation or sync; false once the power is cut.
    fn alive(&mut self) -> bool {
        if self.cut {
            return false;
        }
        self.ops += 1;
        if self.cut_at.is_some_and(|at| self.ops >= at) {
            self.cut = true;
            return false;
        }
        true
    }
}

/// The simulated storage. One per process: SQLite's default VFS is process-wide.
pub struct Disk {
    state: Mutex<State>,
}

/// What [`Disk::power_on`] did to the writes that were not synced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Lost {
    /// Writes kept whole, lost whole, and torn (some sectors kept).
    pub kept: usize,
    pub lost: usize,
    pub torn: usize,
}

impl Disk {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Cuts the power at the `n`-th write, truncation or sync from now (`n` ≥ 1): that one fails and
    /// every one after it.
    pub fn arm(&self, n: u64) {
        let mut s = self.lock();
        s.cut_at = Some(s.ops + n.max(1));
    }

    /// Writes, truncations and syncs made so far (to choose a cut point within a run).
    pub fn ops(&self) -> u64 {
        self.lock().ops
    }

    /// Syncs made so far.
    pub fn syncs(&self) -> u64 {
        self.lock().syncs
    }

    /// Whether the power has been cut.
    pub fn is_cut(&self) -> bool {
        self.lock().cut
    }

    /// The power comes back. Every connection must be closed first (their memory died with the power).
    /// Each write not synced is kept, lost or (with `torn`) kept in part at sector granularity, chosen
    /// with `seed`.
    pub fn power_on(&self, seed: u64, torn: bool) -> Lost {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut s = self.lock();
        let mut lost = Lost::default();
        for file in s.files.values_mut() {
            let mut image = std::mem::take(&mut file.durable);
            for op in file.pending.drain(..) {
                let fate = rng.random_range(0..if torn { 3 } else { 2 });
                match (fate, &op) {
                    (0, _) => {
                        op.apply(&mut image);
                        lost.kept += 1;
                    }
                    (2, Op::Write { offset, data }) if data.len() > SECTOR => {
                        for (i, sector) in data.chunks(SECTOR).enumerate() {
                            if rng.random_bool(0.5) {
                                Op::Write { offset: offset + i * SECTOR, data: sector.to_vec() }.apply(&mut image);
                            }
                        }
                        lost.torn += 1;
                    }
                    _ => lost.lost += 1,
                }
            }
            file.current = image.clone();
            file.durable = image;
        }
        s.shm.clear();
        s.locks.clear();
        s.cut = false;
        s.cut_at = None;
        lost
    }

    /// Forgets every file (between independent runs).
    pub fn wipe(&self) {
        let mut s = self.lock();
        s.files.clear();
        s.shm.clear();
        s.locks.clear();
        s.cut = false;
        s.cut_at = None;
    }

    /// The durable image of a file, if it exists.
    pub fn durable(&self, name: &str) -> Option<Vec<u8>> {
        self.lock().files.get(name).map(|f| f.durable.clone())
    }

    /// The names of the files on the disk.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = self.lock().files.keys().cloned().collect();
        names.sort();
        names
    }
}

static DISK: OnceLock<Disk> = OnceLock::new();
static UNIX: OnceLock<usize> = OnceLock::new();

const NAME: &CStr = c"dala-powerloss";

/// Registers the VFS as the process's default (once) and returns its disk. Every database opened by
/// name afterwards, by any crate of the process, lives on it.
pub fn install() -> &'static Disk {
    let disk = DISK.get_or_init(|| Disk { state: Mutex::new(State::default()) });
    UNIX.get_or_init(|| {
        // rusqlite's own start-up (its threading checks) before SQLite is touched directly.
        drop(rusqlite::Connection::open_in_memory().expect("SQLite starts"));
        // SAFETY: sqlite3_vfs_find with NULL returns the default VFS, which lives for the process; the
        // structure registered is leaked, so it outlives every connection.
        unsafe {
            let unix = ffi::sqlite3_vfs_find(std::ptr::null());
            assert!(!unix.is_null(), "SQLite has a default VFS");
            let vfs = Box::leak(Box::new(ffi::sqlite3_vfs {
                iVersion: 2,
                szOsFile: std::mem::size_of::<MemFile>() as c_int,
                mxPathname: 1024,
                pNext: std::ptr::null_mut(),
                zName: NAME.as_ptr(),
                pAppData: std::ptr::null_mut(),
                xOpen: Some(x_open),
                xDelete: Some(x_delete),
                xAccess: Some(x_access),
                xFullPathname: Some(x_full_pathname),
                xDlOpen: None,
                xDlError: None,
                xDlSym: None,
                xDlClose: None,
                xRandomness: Some(x_randomness),
                xSleep: Some(x_sleep),
                xCurrentTime: Some(x_current_time),
                xGetLastError: Some(x_get_last_error),
                xCurrentTimeInt64: Some(x_current_time_int64),
                xSetSystemCall: None,
                xGetSystemCall: None,
                xNextSystemCall: None,
            }));
            let rc = ffi::sqlite3_vfs_register(vfs, 1);
            assert_eq!(rc, ffi::SQLITE_OK, "the VFS registers");
            unix as usize
        }
    });
    disk
}

fn disk() -> &'static Disk {
    DISK.get().expect("installed")
}

fn unix() -> *mut ffi::sqlite3_vfs {
    *UNIX.get().expect("installed") as *mut ffi::sqlite3_vfs
}

/// SQLite's file object for this VFS: its header first, as SQLite requires.
#[repr(C)]
struct MemFile {
    base: ffi::sqlite3_file,
    name: *mut String,
    id: u64,
    delete_on_close: bool,
}

impl MemFile {
    /// # Safety
    /// `f` is a file this VFS opened.
    unsafe fn of<'a>(f: *mut ffi::sqlite3_file) -> &'a mut MemFile {
        &mut *(f as *mut MemFile)
    }
    fn name(&self) -> &str {
        // SAFETY: set by x_open, freed only by x_close.
        unsafe { &*self.name }
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 2,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: None,
    xUnfetch: None,
};

unsafe fn name_of(z: *const c_char) -> Option<String> {
    (!z.is_null()).then(|| CStr::from_ptr(z).to_string_lossy().into_owned())
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    z_name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let mut s = disk().lock();
    s.next_id += 1;
    let id = s.next_id;
    let name = name_of(z_name).unwrap_or_else(|| format!("temp-{id}"));
    if !s.files.contains_key(&name) {
        if flags & ffi::SQLITE_OPEN_CREATE == 0 {
            (*file).pMethods = std::ptr::null();
            return ffi::SQLITE_CANTOPEN;
        }
        s.files.insert(name.clone(), File::default());
    }
    let f = file as *mut MemFile;
    std::ptr::write(
        f,
        MemFile {
            base: ffi::sqlite3_file { pMethods: &METHODS },
            name: Box::into_raw(Box::new(name)),
            id,
            delete_on_close: flags & ffi::SQLITE_OPEN_DELETEONCLOSE != 0,
        },
    );
    if !out_flags.is_null() {
        *out_flags = flags;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_delete(_vfs: *mut ffi::sqlite3_vfs, z_name: *const c_char, _sync_dir: c_int) -> c_int {
    if let Some(name) = name_of(z_name) {
        let mut s = disk().lock();
        if s.cut {
            return ffi::SQLITE_IOERR_DELETE;
        }
        s.files.remove(&name);
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_access(_vfs: *mut ffi::sqlite3_vfs, z_name: *const c_char, _flags: c_int, out: *mut c_int) -> c_int {
    let exists = name_of(z_name).is_some_and(|n| disk().lock().files.contains_key(&n));
    *out = exists as c_int;
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_full_pathname(_vfs: *mut ffi::sqlite3_vfs, z_name: *const c_char, n_out: c_int, z_out: *mut c_char) -> c_int {
    let bytes = CStr::from_ptr(z_name).to_bytes();
    if bytes.len() + 1 > n_out as usize {
        return ffi::SQLITE_CANTOPEN;
    }
    std::ptr::copy_nonoverlapping(bytes.as_ptr() as *const c_char, z_out, bytes.len());
    *z_out.add(bytes.len()) = 0;
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_randomness(_vfs: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) -> c_int {
    let u = unix();
    ((*u).xRandomness.expect("unix randomness"))(u, n, out)
}

unsafe extern "C" fn x_sleep(_vfs: *mut ffi::sqlite3_vfs, micros: c_int) -> c_int {
    let u = unix();
    ((*u).xSleep.expect("unix sleep"))(u, micros)
}

unsafe extern "C" fn x_current_time(_vfs: *mut ffi::sqlite3_vfs, out: *mut f64) -> c_int {
    let u = unix();
    ((*u).xCurrentTime.expect("unix time"))(u, out)
}

unsafe extern "C" fn x_current_time_int64(_vfs: *mut ffi::sqlite3_vfs, out: *mut ffi::sqlite3_int64) -> c_int {
    let u = unix();
    ((*u).xCurrentTimeInt64.expect("unix time"))(u, out)
}

unsafe extern "C" fn x_get_last_error(_vfs: *mut ffi::sqlite3_vfs, _n: c_int, _out: *mut c_char) -> c_int {
    0
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let f = MemFile::of(file);
    let name = Box::from_raw(f.name);
    let mut s = disk().lock();
    if let Some(held) = s.locks.get_mut(name.as_str()) {
        held.remove(&f.id);
    }
    if f.delete_on_close {
        s.files.remove(name.as_str());
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_read(file: *mut ffi::sqlite3_file, buf: *mut c_void, amount: c_int, offset: ffi::sqlite3_int64) -> c_int {
    let f = MemFile::of(file);
    let s = disk().lock();
    let Some(data) = s.files.get(f.name()).map(|x| &x.current) else { return ffi::SQLITE_IOERR_READ };
    let (offset, amount) = (offset as usize, amount as usize);
    let out = std::slice::from_raw_parts_mut(buf as *mut u8, amount);
    let available = data.len().saturating_sub(offset).min(amount);
    if available > 0 {
        out[..available].copy_from_slice(&data[offset..offset + available]);
    }
    if available < amount {
        out[available..].fill(0);
        return ffi::SQLITE_IOERR_SHORT_READ;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_write(file: *mut ffi::sqlite3_file, buf: *const c_void, amount: c_int, offset: ffi::sqlite3_int64) -> c_int {
    let f = MemFile::of(file);
    let mut s = disk().lock();
    if !s.alive() {
        return ffi::SQLITE_IOERR_WRITE;
    }
    let data = std::slice::from_raw_parts(buf as *const u8, amount as usize).to_vec();
    let op = Op::Write { offset: offset as usize, data };
    let Some(file) = s.files.get_mut(f.name()) else { return ffi::SQLITE_IOERR_WRITE };
    op.apply(&mut file.current);
    file.pending.push(op);
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    let f = MemFile::of(file);
    let mut s = disk().lock();
    if !s.alive() {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    let op = Op::Truncate(size as usize);
    let Some(file) = s.files.get_mut(f.name()) else { return ffi::SQLITE_IOERR_TRUNCATE };
    op.apply(&mut file.current);
    file.pending.push(op);
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, _flags: c_int) -> c_int {
    let f = MemFile::of(file);
    let mut s = disk().lock();
    if !s.alive() {
        return ffi::SQLITE_IOERR_FSYNC;
    }
    s.syncs += 1;
    let Some(file) = s.files.get_mut(f.name()) else { return ffi::SQLITE_IOERR_FSYNC };
    for op in std::mem::take(&mut file.pending) {
        op.apply(&mut file.durable);
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_file_size(file: *mut ffi::sqlite3_file, size: *mut ffi::sqlite3_int64) -> c_int {
    let f = MemFile::of(file);
    let s = disk().lock();
    *size = s.files.get(f.name()).map_or(0, |x| x.current.len()) as ffi::sqlite3_int64;
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let f = MemFile::of(file);
    let (name, id) = (f.name().to_string(), f.id);
    let mut s = disk().lock();
    let held = s.locks.entry(name).or_default();
    let others = held.iter().filter(|(k, _)| **k != id).map(|(_, v)| *v).max().unwrap_or(ffi::SQLITE_LOCK_NONE);
    let granted = match level {
        ffi::SQLITE_LOCK_SHARED => others < ffi::SQLITE_LOCK_PENDING,
        ffi::SQLITE_LOCK_RESERVED => others < ffi::SQLITE_LOCK_RESERVED,
        _ => others == ffi::SQLITE_LOCK_NONE,
    };
    if !granted {
        return ffi::SQLITE_BUSY;
    }
    let mine = held.entry(id).or_insert(ffi::SQLITE_LOCK_NONE);
    *mine = (*mine).max(level);
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let f = MemFile::of(file);
    let mut s = disk().lock();
    if let Some(mine) = s.locks.get_mut(f.name()).and_then(|h| h.get_mut(&f.id)) {
        *mine = (*mine).min(level);
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    let f = MemFile::of(file);
    let s = disk().lock();
    let reserved = s.locks.get(f.name()).is_some_and(|h| h.iter().any(|(k, v)| *k != f.id && *v >= ffi::SQLITE_LOCK_RESERVED));
    *out = reserved as c_int;
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_file_control(_file: *mut ffi::sqlite3_file, _op: c_int, _arg: *mut c_void) -> c_int {
    ffi::SQLITE_NOTFOUND
}

unsafe extern "C" fn x_sector_size(_file: *mut ffi::sqlite3_file) -> c_int {
    SECTOR as c_int
}

unsafe extern "C" fn x_device_characteristics(_file: *mut ffi::sqlite3_file) -> c_int {
    ffi::SQLITE_IOCAP_POWERSAFE_OVERWRITE
}

unsafe extern "C" fn x_shm_map(file: *mut ffi::sqlite3_file, region: c_int, size: c_int, extend: c_int, out: *mut *mut c_void) -> c_int {
    let f = MemFile::of(file);
    let mut s = disk().lock();
    let shm = s.shm.entry(f.name().to_string()).or_default();
    let region = region as usize;
    if shm.regions.len() <= region {
        if extend == 0 {
            *out = std::ptr::null_mut();
            return ffi::SQLITE_OK;
        }
        while shm.regions.len() <= region {
            shm.regions.push(vec![0u8; size as usize].into_boxed_slice());
        }
    }
    if !shm.users.contains(&f.id) {
        shm.users.push(f.id);
    }
    *out = shm.regions[region].as_mut_ptr() as *mut c_void;
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shm_lock(file: *mut ffi::sqlite3_file, offset: c_int, n: c_int, flags: c_int) -> c_int {
    let f = MemFile::of(file);
    let id = f.id;
    let mut s = disk().lock();
    let Some(shm) = s.shm.get_mut(f.name()) else { return ffi::SQLITE_IOERR_SHMLOCK };
    let slots = offset as usize..(offset + n) as usize;
    if flags & ffi::SQLITE_SHM_UNLOCK != 0 {
        for i in slots {
            shm.shared[i].retain(|h| *h != id);
            if shm.exclusive[i] == Some(id) {
                shm.exclusive[i] = None;
            }
        }
        return ffi::SQLITE_OK;
    }
    let exclusive = flags & ffi::SQLITE_SHM_EXCLUSIVE != 0;
    for i in slots.clone() {
        let other_exclusive = shm.exclusive[i].is_some_and(|h| h != id);
        let other_shared = shm.shared[i].iter().any(|h| *h != id);
        if other_exclusive || (exclusive && other_shared) {
            return ffi::SQLITE_BUSY;
        }
    }
    for i in slots {
        if exclusive {
            shm.exclusive[i] = Some(id);
        } else if !shm.shared[i].contains(&id) {
            shm.shared[i].push(id);
        }
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shm_barrier(_file: *mut ffi::sqlite3_file) {
    std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
}

unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    let f = MemFile::of(file);
    let (name, id) = (f.name().to_string(), f.id);
    let mut s = disk().lock();
    if let Some(shm) = s.shm.get_mut(&name) {
        for i in 0..8 {
            shm.shared[i].retain(|h| *h != id);
            if shm.exclusive[i] == Some(id) {
                shm.exclusive[i] = None;
            }
        }
        shm.users.retain(|h| *h != id);
        if shm.users.is_empty() && delete != 0 {
            s.shm.remove(&name);
        }
    }
    ffi::SQLITE_OK
}

#[cfg(test)]
mod tests;
