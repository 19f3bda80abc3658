//! `POST /auth/access-token`: a token bound to a device's serial number.

use serde::{Deserialize, Serialize};

use super::{DeviceOnly, serial_number};
use crate::error::ReplyError;

#[derive(Debug, Deserialize)]
pub struct AccessTokenRequest {
    pub consumer: Option<DeviceOnly>,
}

impl AccessTokenRequest {
    /// The serial number the token will be bound to.
    pub fn validate(&self) -> Result<String, ReplyError> {
        let device = self.consumer.as_ref().and_then(|c| c.device.as_ref());
        serial_number(&device.and_then(|d| d.serial_number.clone()))
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AccessTokenResponse {
    pub session: AccessTokenSession,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AccessTokenSession {
    #[serde(rename = "accessToken")]
    pub access_token: String,
    /// RFC 3339, UTC.
    #[serde(rename = "expiresAt")]
    pub expires_at: String,
}
