//! The object store: every object as JSON, a global resourceVersion, and
//! an event log that watches replay from and follow.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

/// How many events are kept for watches resuming from an older version.
const EVENT_LOG: usize = 50_000;

/// Which collection an object belongs to: `group/plural` (`/secrets` for core).
pub type Collection = String;

/// An object's identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// `group/plural`.
    pub collection: Collection,
    /// Namespace ("" for cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// Created.
    Added,
    /// Changed.
    Modified,
    /// Deleted.
    Deleted,
}

impl EventType {
    /// The watch protocol's name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as watches see it.
#[derive(Debug, Clone)]
pub struct Event {
    /// The resourceVersion the change produced.
    pub version: u64,
    /// What changed.
    pub key: Key,
    /// How.
    pub kind: EventType,
    /// The object after the change (before it, for deletions).
    pub object: Value,
}

/// Objects, versions and the event log.
pub struct Store {
    objects: BTreeMap<Key, Value>,
    version: u64,
    log: VecDeque<Arc<Event>>,
    events: broadcast::Sender<Arc<Event>>,
    uid: u64,
}

impl Default for Store {
    fn default() -> Self {
        let (events, _) = broadcast::channel(65_536);
        Store {
            objects: BTreeMap::new(),
            version: 1000,
            log: VecDeque::new(),
            events,
            uid: 0,
        }
    }
}

impl Store {
    /// The current resourceVersion.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// A fresh uid.
    pub fn next_uid(&mut self) -> String {
        self.uid += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.uid)
    }

    /// An object by key.
    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    /// Objects of a collection, in one namespace or all, in key order,
    /// starting after `after` (for `continue`).
    pub fn list<'a>(
        &'a self,
        collection: &'a str,
        namespace: Option<&'a str>,
        after: Option<&'a Key>,
    ) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        self.objects
            .iter()
            .filter(move |(key, _)| key.collection == collection && namespace.is_none_or(|ns| key.namespace == ns))
            .filter(move |(key, _)| after.is_none_or(|after| *key > after))
    }

    /// Stores `object` under `key`, stamping a new resourceVersion, and
    /// announces the change. Returns the stored object.
    pub fn put(&mut self, key: Key, mut object: Value) -> Value {
        self.version += 1;
        object["metadata"]["resourceVersion"] = Value::String(self.version.to_string());
        let kind = if self.objects.contains_key(&key) {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.objects.insert(key.clone(), object.clone());
        self.announce(key, kind, object.clone());
        object
    }

    /// Removes an object and announces it.
    pub fn delete(&mut self, key: &Key) -> Option<Value> {
        let mut object = self.objects.remove(key)?;
        self.version += 1;
        object["metadata"]["resourceVersion"] = Value::String(self.version.to_string());
        self.announce(key.clone(), EventType::Deleted, object.clone());
        Some(object)
    }

    fn announce(&mut self, key: Key, kind: EventType, object: Value) {
        let event = Arc::new(Event {
            version: self.version,
            key,
            kind,
            object,
        });
        if self.log.len() == EVENT_LOG {
            self.log.pop_front();
        }
        self.log.push_back(event.clone());
        let _ = self.events.send(event);
    }

    /// Subscribes to future events.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }

    /// Logged events after `version`; `None` when the log no longer reaches
    /// back that far (the watch must answer 410 Gone).
    pub fn events_after(&self, version: u64) -> Option<Vec<Arc<Event>>> {
        let oldest = self.log.front().map_or(self.version, |e| e.version.saturating_sub(1));
        if version < oldest && version < self.version {
            return None;
        }
        Some(self.log.iter().filter(|e| e.version > version).cloned().collect())
    }
}
