//! HTTPS in the binary (moved here from connpay-server): a certificate chain and its key from PEM files (`--tls-cert`,
//! `--tls-key`), read again on SIGHUP so a renewed certificate takes effect without a restart.
//! A reload that fails keeps the certificate in use and says why. Connections already open keep
//! the certificate they were opened with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why the certificate or key cannot be used. Never holds key material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "Cannot read a certificate from {path}: {why}. Give --tls-cert a PEM file holding the \
         server's certificate first, then its intermediates"
    )]
    Certificate { path: PathBuf, why: String },
    #[error(
        "Cannot read a private key from {path}: {why}. Give --tls-key a PEM file holding the \
         certificate's private key (PKCS#8, PKCS#1 or SEC1), unencrypted"
    )]
    Key { path: PathBuf, why: String },
    #[error(
        "The certificate in {cert} and the key in {key} cannot be used together: {why}. Check \
         that the key is the certificate's own"
    )]
    Pair {
        cert: PathBuf,
        key: PathBuf,
        why: String,
    },
}

/// The certificate in use, and where it was read from.
#[derive(Clone)]
pub struct Tls {
    cert: PathBuf,
    key: PathBuf,
    current: Arc<RwLock<TlsAcceptor>>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("cert", &self.cert)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Tls {
    pub fn load(cert: &Path, key: &Path) -> Result<Tls, TlsError> {
        let acceptor = acceptor(cert, key)?;
        Ok(Tls {
            cert: cert.to_owned(),
            key: key.to_owned(),
            current: Arc::new(RwLock::new(acceptor)),
        })
    }

    /// Reads both files again; on any error the certificate in use stays.
    pub fn reload(&self) -> Result<(), TlsError> {
        let fresh = acceptor(&self.cert, &self.key)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    pub fn acceptor(&self) -> TlsAcceptor {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn acceptor(cert_path: &Path, key_path: &Path) -> Result<TlsAcceptor, TlsError> {
    let cert_error = |why: String| TlsError::Certificate {
        path: cert_path.to_owned(),
        why,
    };
    let certs = CertificateDer::pem_file_iter(cert_path)
        .map_err(|e| cert_error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_error(e.to_string()))?;
    if certs.is_empty() {
        return Err(cert_error("the file holds no CERTIFICATE block".into()));
    }
    let key = PrivateKeyDer::from_pem_file(key_path).map_err(|e| TlsError::Key {
        path: key_path.to_owned(),
        // The pem reader's messages name the section, never its content.
        why: e.to_string(),
    })?;
    let pair_error = |why: String| TlsError::Pair {
        cert: cert_path.to_owned(),
        key: key_path.to_owned(),
        why,
    };
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| pair_error(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| pair_error(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
