//! Where the executor's jobs send their results: the runtime's channel, or the test harness's
//! queue.

use std::collections::VecDeque;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use crate::app::Msg;

/// Where results go: the runtime's channel, or the harness's queue.
#[derive(Debug, Clone)]
pub enum Outbox {
    Channel(Sender<Msg>),
    Queue(Arc<Mutex<VecDeque<Msg>>>),
}

impl Outbox {
    /// Hands a message to the app; `false` once the app is gone.
    pub fn post(&self, msg: Msg) -> bool {
        match self {
            Outbox::Channel(tx) => tx.send(msg).is_ok(),
            Outbox::Queue(queue) => {
                queue.lock().unwrap_or_else(|p| p.into_inner()).push_back(msg);
                true
            }
        }
    }
}
