//! Real parts for the login: the RD Service scanner and the InstantPay client built from config.
