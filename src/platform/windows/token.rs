//! Who a pipe client is, from its token: the service reads it by impersonating the client for
//! a moment (`ImpersonateNamedPipeClient`), and lets it ask for a login when it is SYSTEM, the
//! service's own account, an administrator (also through the linked, elevated token that UAC
//! keeps behind a limited one) or a member of the local `rd-agent` group, as the Unix side
//! checks the socket peer's group (src/platform/linux/ipc.rs).
//!
//! Group membership is in a token from logon: a user added to `rd-agent` signs out and in
//! before it counts.

use std::io;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::Security::{
    CheckTokenMembership, GetTokenInformation, RevertToSelf, TOKEN_LINKED_TOKEN, TOKEN_QUERY,
    TokenLinkedToken, WinBuiltinAdministratorsSid, WinLocalSystemSid,
};
use windows_sys::Win32::System::Pipes::ImpersonateNamedPipeClient;
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, GetCurrentThread, OpenProcessToken, OpenThreadToken,
};

use super::sid::Sid;
use crate::platform::{OPERATORS_GROUP, TokenRights};

/// Whom the rights are measured against: the service's account and the operators' group.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) service_account: Sid,
    /// `None` where the group does not exist (yet, or under Wine, which keeps no groups).
    pub(crate) operators: Option<Sid>,
}

impl Rule {
    /// This process's account and the local `rd-agent` group.
    pub(crate) fn here() -> io::Result<Rule> {
        let token = Token::of_process()?;
        Ok(Rule {
            service_account: Sid::user_of(token.0)?,
            operators: Sid::of_group(OPERATORS_GROUP),
        })
    }
}

/// A token handle, closed on drop.
pub(crate) struct Token(HANDLE);

impl Token {
    pub(crate) fn of_process() -> io::Result<Token> {
        let mut h = std::ptr::null_mut();
        // SAFETY: the pseudo-handle of this process and a writable handle.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut h) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Token(h))
    }

    /// The client's token on the connected pipe `pipe`, read while impersonating it. The
    /// thread is back to its own token when this returns, whatever happened.
    pub(crate) fn of_pipe_client(pipe: HANDLE) -> io::Result<Token> {
        // SAFETY: `pipe` is the server end of a connected pipe, owned by the caller.
        if unsafe { ImpersonateNamedPipeClient(pipe) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut h = std::ptr::null_mut();
        // SAFETY: this thread's pseudo-handle; OpenAsSelf so the service's own rights open it.
        let opened = unsafe { OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, 1, &mut h) };
        let error = io::Error::last_os_error();
        // SAFETY: no preconditions. A thread left impersonating would run the rest of the
        // service as the client: that must never happen, so failing to revert ends the process.
        if unsafe { RevertToSelf() } == 0 {
            std::process::abort();
        }
        if opened == 0 {
            return Err(error);
        }
        Ok(Token(h))
    }

    /// What this token may do, measured against `rule`.
    pub(crate) fn rights(&self, rule: &Rule) -> io::Result<TokenRights> {
        let user = Sid::user_of(self.0)?;
        let admins = Sid::well_known(WinBuiltinAdministratorsSid)?;
        Ok(TokenRights {
            system: user == Sid::well_known(WinLocalSystemSid)?,
            same_account: user == rule.service_account,
            administrator: self.member_of(&admins)? || self.linked_member_of(&admins),
            operator: match &rule.operators {
                Some(group) => self.member_of(group)?,
                None => false,
            },
        })
    }

    fn member_of(&self, group: &Sid) -> io::Result<bool> {
        let mut member = 0;
        // SAFETY: a valid (impersonation) token, a valid SID, a writable BOOL.
        if unsafe { CheckTokenMembership(self.0, group.as_psid(), &mut member) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(member != 0)
    }

    /// Membership through the elevated token UAC links to a limited one (false when there is
    /// none: a standard user's token, or a full one already).
    fn linked_member_of(&self, group: &Sid) -> bool {
        let mut linked = TOKEN_LINKED_TOKEN {
            LinkedToken: std::ptr::null_mut(),
        };
        let mut len = 0;
        // SAFETY: a valid token and a TOKEN_LINKED_TOKEN-sized buffer.
        let ok = unsafe {
            GetTokenInformation(
                self.0,
                TokenLinkedToken,
                (&mut linked as *mut TOKEN_LINKED_TOKEN).cast(),
                size_of::<TOKEN_LINKED_TOKEN>() as u32,
                &mut len,
            )
        };
        if ok == 0 || linked.LinkedToken.is_null() {
            return false;
        }
        let linked = Token(linked.LinkedToken);
        linked.member_of(group).unwrap_or(false)
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        // SAFETY: a token handle this value owns, closed once.
        unsafe { CloseHandle(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Wine lets a test show: Wine runs every program as one user, a full administrator,
    /// and keeps no local groups, so a real token of another account or of a non-member
    /// cannot be made here. The rights of this process's own token are read through the same
    /// calls the pipe uses, against a rule naming another account and another group: neither
    /// matches; and the decision for a token with no right is a refusal
    /// (src/agent/ipc.rs, `where_the_os_admits_the_connection_the_token_decides_the_login`).
    /// This process's token as the pipe hands one over: an impersonation token
    /// (CheckTokenMembership takes no primary token).
    fn own_impersonation_token() -> Token {
        use windows_sys::Win32::Security::{DuplicateToken, SecurityIdentification};
        let mut h = std::ptr::null_mut();
        let mut primary = std::ptr::null_mut();
        // SAFETY: this process's pseudo-handle and writable handles.
        unsafe {
            assert_ne!(
                OpenProcessToken(
                    GetCurrentProcess(),
                    TOKEN_QUERY | windows_sys::Win32::Security::TOKEN_DUPLICATE,
                    &mut primary
                ),
                0
            );
            assert_ne!(DuplicateToken(primary, SecurityIdentification, &mut h), 0);
            CloseHandle(primary);
        }
        Token(h)
    }

    #[test]
    fn a_token_is_measured_against_the_service_account_and_the_group() {
        let token = own_impersonation_token();
        let here = Rule::here().unwrap();
        assert!(token.rights(&here).unwrap().same_account);

        let elsewhere = Rule {
            // LOCAL SERVICE, and a SID no machine gives a group.
            service_account: Sid::well_known(windows_sys::Win32::Security::WinLocalServiceSid)
                .unwrap(),
            operators: Some(Sid::well_known(windows_sys::Win32::Security::WinNullSid).unwrap()),
        };
        let rights = token.rights(&elsewhere).unwrap();
        assert!(
            !rights.same_account && !rights.operator && !rights.system,
            "{rights:?}"
        );
        assert_eq!(rights.may_login(), rights.administrator);
    }
}
