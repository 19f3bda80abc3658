/*
 * The chargeable daily login (outletLogin) of rd-agent, for spin.
 *
 * Actors: three login processes sharing one state dir (process 0 is the
 * long-lived service and runs two login rounds; processes 1 and 2 are a
 * one-shot CLI login and a tray click), InstantPay (a request channel; it
 * processes a request late, or never), the bank (may cancel the day's login
 * once), an abstract clock, and kill -9 (at most MAXCRASH crashes).
 *
 * Correct model:   spin -a login.pml
 * Broken variants: spin -a -DNO_LOCK login.pml
 *                  spin -a -DSETTLE_ON_FIRST_LOGINREQUIRED login.pml
 *                  spin -a -DNO_LEDGER_FIRST login.pml
 *                  spin -a -DAGE_AFTER_STATUS login.pml
 *                  spin -a -DWINDOW=2 login.pml   (window == worst processing time)
 *                  spin -a -DNO_DECLINE_GUARD login.pml
 *                  spin -a -DUNKNOWN_NOT_COUNTED login.pml
 *                  spin -a -DGUARD_OUTSIDE_LOCK login.pml
 * Stronger property, known not to hold (see README): -DSTRICT_FORCE
 * Broken on purpose: -DOVERRIDE_RESETS (an override that resets the count,
 *                  as the issue first asked)
 * Reachability witnesses (each must be violated): -DWITNESS=1 .. 7
 * By hand: -DCHECK_COUNT checks the counter against the ledger's rows;
 *          -DRELAY_COUNT counts as the relay does (settled unknowns only).
 *
 * Assertions:
 *  (a) at a send: no outletLogin is sent while an earlier one is open (sent, and
 *      InstantPay has not finished processing it);
 *  (b) at a send: no outletLogin is sent while InstantPay holds a LOGGEDIN for the day
 *      (that is, unless the bank cancelled it since), and never without
 *      --force after a login the ledger knows of;
 *  (c) at receipt: every request InstantPay receives already has a ledger row;
 *  (d) at settling: an attempt settled as loggedin from outletLoginStatus did
 *      log in;
 *  (e) at a send: no third possible biometric decline in a row is sent
 *      without the operator's override since the second one (NPCI, November
 *      2023: three declines in a row get the operator blocked by the bank).
 * Invalid end states (a process stuck for ever) are errors too.
 */

/* ---- time, in ticks; ages saturate, so the clock needs no horizon -------- */
#ifndef MAXPROC
#define MAXPROC 2        /* worst case from created_at (the row is written)
                            to InstantPay having finished with the request    */
#endif
#ifndef WINDOW
#define WINDOW  3        /* the settle window: must be > MAXPROC              */
#endif
#ifndef MAXCRASH
#define MAXCRASH 2       /* kill -9 budget over the whole run                 */
#endif

#define AGEMAX (WINDOW > MAXPROC -> WINDOW : MAXPROC)

#define DECLINE_LIMIT 2  /* possible declines in a row at which the guard refuses
                            (ledger::DECLINE_LIMIT); the bank blocks at 3    */

#define NLOGIN 3
#define NROWS  4         /* service: 2 rounds, CLI and tray: 1 round each     */

/* ledger row states (ledger.rs AttemptState) and outletLoginStatus' answer */
mtype = { sending, loggedin, rejected, unknown };
mtype = { LOGGEDIN, LOGINREQUIRED };
/* what InstantPay did with one request (omniscient, never seen by the agent) */
mtype = { ip_loggedin, ip_mismatch, ip_dropped };

/* ---- the ledger (SQLite, one file per state dir) -------------------------- */
bit   row[NROWS];        /* the row exists                                    */
mtype state[NROWS];      /* sending / loggedin / rejected / unknown           */
byte  owner[NROWS];      /* pid of the process that began the attempt         */
byte  age[NROWS];        /* now - created_at, in ticks, saturating            */
bit   resolved[NROWS];   /* resolved_at IS NOT NULL (settled by status)       */
byte  nrows = 0;         /* next attempt id                                   */
byte  ndecl = 0;         /* ledger::consecutive_declines(): possible declines
                            in a row (see DECLINES below); at most NROWS       */
#if defined(CHECK_COUNT) || WITNESS >= 6
/* only to check the counter against the rows, and for the witnesses */
bit   decl[NROWS];       /* attempts.biometric_decline                        */
byte  ovr = 0;           /* the latest decline override (table
                            decline_overrides): attempts i >= ovr count       */
#define TRACK(x) x
#else
#define TRACK(x) skip
#endif

/* ---- the OS advisory lock on the state dir -------------------------------- */
byte lock = 0;           /* 0 free, else holder pid + 1                       */

/* ---- processes ------------------------------------------------------------ */
bit  alive[NLOGIN];
byte crashes = 0;

/* ---- InstantPay ----------------------------------------------------------- */
chan req = [NROWS] of { byte };     /* outletLogin requests, by attempt id    */
mtype remote = LOGINREQUIRED;       /* what outletLoginStatus answers         */
mtype ipres[NROWS];                 /* what InstantPay did with each request  */
mtype reply[NROWS];                 /* the reply the client can read (0: none) */
bit   cancelled = 0;                /* the bank cancelled the day's login
                                       (ghost: the agent cannot see it)      */

/* ---- ghosts (the modeller's omniscient view) ------------------------------ */
bit  pend[NROWS];        /* begun, InstantPay not finished, and the request
                            may still reach it: the clock waits for these     */
byte nopen = 0;          /* sent, and InstantPay has not finished with them   */
byte gdecl = 0;          /* possible declines in a row, as seen from outside
                            the agent: requests sent since the later of the
                            latest one InstantPay logged in and the latest
                            override (each of them was declined, or never
                            processed, or is not processed yet); saturates  */
/* (e+): an override lets only its own login through, so the bank's run of
   possible declines is not reset by it */
byte gseq = 0;           /* requests sent since the latest one InstantPay
                            logged in; saturates                             */
#define STRICT(x) x

#define UNRESOLVED(i) (row[i] && !resolved[i] && (state[i] == sending || state[i] == unknown))
/* only the ages that still matter are kept: the others are set to 0 */
#define AGE(i) if \
    :: pend[i] || UNRESOLVED(i) -> age[i] = (age[i] < AGEMAX -> age[i] + 1 : AGEMAX) \
    :: else -> age[i] = 0 \
    fi
#define DUE(i) (pend[i] && age[i] >= MAXPROC)

active proctype Clock()
{
end:
    do
    :: atomic { !DUE(0) && !DUE(1) && !DUE(2) && !DUE(3) -> AGE(0); AGE(1); AGE(2); AGE(3) }
    od
}

active proctype InstantPay()
{
    byte id;
end:
    do
    :: req?id ->
        /* (c) the ledger row was written before the request left */
        assert(row[id]);
        /* processing happens later: any time until the clock forces it */
        atomic {
            if
            :: remote == LOGINREQUIRED ->
                remote = LOGGEDIN; ipres[id] = ip_loggedin; gdecl = 0; STRICT(gseq = 0)
            :: remote == LOGGEDIN ->                            /* charged again */
                ipres[id] = ip_loggedin; gdecl = 0; STRICT(gseq = 0)
            :: ipres[id] = ip_mismatch                        /* finger mismatch, charged */
            :: ipres[id] = ip_dropped                         /* never processed */
            fi;
            pend[id] = 0; nopen--;
            /* a reply, if someone still waits for it (whether the client
               reads it in time is the client's choice) */
            if
            :: row[id] && state[id] == sending && alive[owner[id]] &&
               ipres[id] != ip_dropped ->
                reply[id] = (ipres[id] == ip_loggedin -> LOGGEDIN : LOGINREQUIRED)
            :: else
            fi;
            id = 0
        }
    od
}

active proctype Bank()
{
    atomic { remote == LOGGEDIN -> remote = LOGINREQUIRED; cancelled = 1 }
}

/* kill -9 instead of the next step: the OS frees the lock; a begun attempt
   that was not sent never will be. */
#define CRASH \
    atomic { \
        crashes < MAXCRASH -> \
        crashes++; alive[me] = 0; \
        if :: lock == me + 1 -> lock = 0 :: else fi; \
        if :: my < NROWS && !sent -> pend[my] = 0 :: else fi \
    }; \
    goto dead

#define LOCALLY_LOGGEDIN(i) (row[i] && state[i] == loggedin)
#define ANY_LOCALLY_LOGGEDIN (LOCALLY_LOGGEDIN(0) || LOCALLY_LOGGEDIN(1) || \
                              LOCALLY_LOGGEDIN(2) || LOCALLY_LOGGEDIN(3))
#define NONE_UNRESOLVED (!UNRESOLVED(0) && !UNRESOLVED(1) && !UNRESOLVED(2) && !UNRESOLVED(3))
#define OLDMASK ((OLD(0) -> 1 : 0) + (OLD(1) -> 2 : 0) + (OLD(2) -> 4 : 0) + (OLD(3) -> 8 : 0))
#define OLD(i) (age[i] >= WINDOW)

/* ---- the decline guard ------------------------------------------------------
   ledger::consecutive_declines() counts the attempts begun after the latest
   loggedin attempt and not before the latest override that are a known
   decline (biometric_decline) or whose outcome stayed unknown (state sending
   or unknown: not settled yet, or settled as "not logged in"). An attempt
   refused with nothing sent is neither a decline nor unknown: it neither
   counts nor resets. ndecl is that count kept as the ledger changes:
     begin (a `sending` row)                     +1
     nothing sent (the row becomes `rejected`)   -1
     reply: a decline (`rejected`, declined)      0 (it counted already)
     no usable reply (`unknown`), settled as
       not logged in (stays `unknown`)            0 (it counts)
     reply LOGGEDIN, or settled as loggedin      := 0
     the operator's override                     := 0
   (No row is begun while one is sending/unknown and unsettled, so a row that
   becomes loggedin is the newest.) -DCHECK_COUNT asserts ndecl == DECLINES,
   the count computed from the rows as the SQL does, at each guard and send. */
#if defined(UNKNOWN_NOT_COUNTED)
/* broken: only a known decline counts; an attempt with no known outcome does not */
#define COUNT_BEGUN    skip
#define COUNT_NOT_SENT skip
#define COUNT_DECLINE  ndecl++
#define COUNT_SETTLED  skip
#elif defined(RELAY_COUNT)
/* by hand: the relay's rule (store/guards.rs): a known decline, or an attempt
   settled as not logged in; an unsettled (sending/unknown) one does not count */
#define COUNT_BEGUN    skip
#define COUNT_NOT_SENT skip
#define COUNT_DECLINE  ndecl++
#define COUNT_SETTLED  ndecl++
#else
#define COUNT_BEGUN    ndecl++
#define COUNT_NOT_SENT ndecl--
#define COUNT_DECLINE  skip
#define COUNT_SETTLED  skip
#endif
#define LI(i) (row[i] && state[i] == loggedin)
#ifdef OVERRIDE_RESETS
/* broken: the override starts the count again (and the count starts after it) */
#define OVERRIDE_RESET ndecl = 0
#define SINCE_OVERRIDE(i) (ovr <= i)
#else
/* the override lets its own login through and resets nothing (src/ledger/declines.rs) */
#define OVERRIDE_RESET skip
#define SINCE_OVERRIDE(i) 1
#endif
#define POSSIBLE_DECLINE(i) (row[i] && SINCE_OVERRIDE(i) && \
                             (decl[i] || state[i] == sending || state[i] == unknown))
#define DECLINES ((POSSIBLE_DECLINE(0) && !LI(1) && !LI(2) && !LI(3) -> 1 : 0) + \
                  (POSSIBLE_DECLINE(1) && !LI(2) && !LI(3) -> 1 : 0) + \
                  (POSSIBLE_DECLINE(2) && !LI(3) -> 1 : 0) + \
                  (POSSIBLE_DECLINE(3) -> 1 : 0))
#ifdef CHECK_COUNT
#define CHECKED_COUNT assert(ndecl == DECLINES)
#else
#define CHECKED_COUNT skip
#endif
#define SETTLED_UNKNOWN(i) (row[i] && resolved[i] && state[i] == unknown)
#define ANY_DECL (decl[0] || decl[1] || decl[2] || decl[3])
#define ANY_SETTLED_UNKNOWN (SETTLED_UNKNOWN(0) || SETTLED_UNKNOWN(1) || \
                             SETTLED_UNKNOWN(2) || SETTLED_UNKNOWN(3))

/* Before the capture: at DECLINE_LIMIT possible declines in a row the login
   is refused and nothing is sent, unless the operator overrides; the override
   is recorded and starts the count again. (The operator chooses here, knowing
   the count: this covers any choice made up front, --despite-declines.) */
#if WITNESS == 7
#define GUARD_REFUSED assert(!(ANY_DECL && ANY_SETTLED_UNKNOWN)) /* a known and an unknown one */
#else
#define GUARD_REFUSED skip
#endif
#define DECLINE_GUARD \
    CHECKED_COUNT; \
    if \
    :: ndecl >= DECLINE_LIMIT -> \
        if \
        :: GUARD_REFUSED; goto round_end       /* refused: nothing sent */ \
        :: OVERRIDE_RESET; gdecl = 0; TRACK(ovr = nrows); /* the override, recorded */ \
           STRICT(ovrd = 1) \
        fi \
    :: else \
    fi

proctype Login(byte me; byte rounds)
{
    byte r = 0;
    bit  force, blocked, sent;
    mtype st;
    byte old;              /* bit i: attempt i was older than WINDOW when the
                              status call started                            */
    byte i;
    byte my = NROWS;       /* this round's attempt id; NROWS: none           */
    bit  ovrd;             /* this round's operator overrode the guard       */

    do
    :: r < rounds ->
        r++;

#ifdef GUARD_OUTSIDE_LOCK
        /* broken: the decline guard reads the count before taking the lock */
        atomic { DECLINE_GUARD };
#endif
        /* 1. one owner of the chargeable login per state dir: wait for it */
#ifndef NO_LOCK
        atomic { lock == 0 -> lock = me + 1 }
#endif

        /* 2. outletLoginStatus (free); what it answers is at best as fresh as
              the moment the call starts, so the ages are taken then */
        if
        :: CRASH
        :: atomic {
               st = remote;
               old = OLDMASK
           }
        fi;

        /* 3. settle the unresolved attempts: dead owners' and our own */
        if
        :: CRASH
        :: atomic {
#ifdef AGE_AFTER_STATUS
               /* broken: the ages taken after the reply came back */
               old = OLDMASK;
#endif
               i = 0;
               do
               :: i < NROWS ->
                   if
                   :: UNRESOLVED(i) ->
                       if
#ifndef IGNORE_OWNER
                       :: owner[i] != me && alive[owner[i]] ->
                           blocked = 1;
#if WITNESS == 4
                           assert(false)        /* another live owner's attempt: refuse */
#endif
#endif
                       :: else ->
                           if :: state[i] == sending -> state[i] = unknown :: else fi;
                           if
                           :: st == LOGGEDIN ->
                               /* (d) settled as logged in: it did log in */
                               assert(ipres[i] == ip_loggedin);
#if WITNESS == 3
                               assert(false);   /* a lost attempt settled as loggedin */
#endif
                               state[i] = loggedin; resolved[i] = 1; ipres[i] = 0;
                               ndecl = 0        /* a success: the count starts again */
#ifdef SETTLE_ON_FIRST_LOGINREQUIRED
                           :: st == LOGINREQUIRED ->
#else
                           :: st == LOGINREQUIRED && (old >> i) & 1 ->
#endif
                               resolved[i] = 1; ipres[i] = 0; /* not logged in, charge unknown */
                               COUNT_SETTLED
                           :: else ->
                               blocked = 1;     /* too young: "wait N seconds" */
#if WITNESS == 5
                               assert(false)    /* a young unknown attempt: wait */
#endif
                           fi
                       fi
                   :: else
                   fi;
                   i++
               :: else -> break
               od;
               i = 0; old = 0;
               if
               :: st == LOGGEDIN -> goto round_end     /* already logged in */
               :: blocked -> goto round_end            /* an open attempt: refuse */
               :: else ->
                   /* the local check; only --force skips it. The operator's
                      choice is taken here, where it matters: --force with no
                      login in the ledger does what no --force does, and the
                      assertions below are only stronger with force == 0 */
                   if
                   :: ANY_LOCALLY_LOGGEDIN ->
                       if
                       :: goto round_end
                       :: force = 1
                       fi
                   :: else
                   fi
               fi;
#if !defined(NO_DECLINE_GUARD) && !defined(GUARD_OUTSIDE_LOCK)
               /* the decline guard (broken: -DNO_DECLINE_GUARD has none) */
               DECLINE_GUARD
#endif
           }
        fi;

        /* 4-5. capture, quality gate, encrypt (time passes, may crash);
           6. begin: a write transaction that refuses while an attempt is
           sending or unknown and not settled; the row is `sending` */
        if
        :: CRASH
        :: atomic {
               if
               :: NONE_UNRESOLVED ->
                   my = nrows; nrows++; pend[my] = 1;
#ifndef NO_LEDGER_FIRST
                   row[my] = 1; state[my] = sending; owner[my] = me;
                   COUNT_BEGUN                  /* a `sending` row counts */
#endif
               :: else -> goto round_end
               fi
           }
        fi;

        /* the chargeable send */
        if
        :: CRASH
        :: atomic {
               assert(nopen == 0);                       /* (a) */
               assert(remote != LOGGEDIN);               /* (b) */
               assert(force || !ANY_LOCALLY_LOGGEDIN);   /* (b) */
               assert(gdecl < 2);                        /* (e) not a 3rd in a row */
               CHECKED_COUNT;
#ifdef STRICT_FORCE
               assert(force || !cancelled);
#endif
               assert(gseq < 2 || ovrd);        /* (e+) an override for this very login */
               gseq = (gseq < 3 -> gseq + 1 : 3);
#if WITNESS == 1
               assert(!cancelled);              /* a login again after a cancel */
#elif WITNESS == 2
               assert(!(resolved[0] && state[0] == unknown && !cancelled)); /* retry after a settled unknown */
#elif WITNESS == 6
               assert(!(decl[0] && decl[1] && ovr != 0)); /* two declines, an override, a send */
#endif
               req!my; sent = 1; nopen++;
               gdecl = (gdecl < 3 -> gdecl + 1 : 3)
           }
        :: atomic {
               /* refused before it left (connect error): nothing charged */
               pend[my] = 0;
#ifndef NO_LEDGER_FIRST
               state[my] = rejected;
               COUNT_NOT_SENT           /* no decline, not unknown: it does not count */
#endif
               goto round_end
           }
        fi;

#ifdef NO_LEDGER_FIRST
        if
        :: CRASH
        :: atomic { row[my] = 1; state[my] = sending; owner[my] = me; COUNT_BEGUN }
        fi;
#endif

        /* the reply, or no usable reply (read timeout, reset): the timeout
           is left free, as only the settle window's bound matters */
        if
        :: CRASH
        :: atomic {
               if
               :: reply[my] == LOGGEDIN ->
                   state[my] = loggedin; ipres[my] = 0;
                   ndecl = 0                    /* a success: the count starts again */
               :: reply[my] == LOGINREQUIRED ->  /* a biometric decline, charged */
                   state[my] = rejected; ipres[my] = 0;
                   TRACK(decl[my] = 1);
                   COUNT_DECLINE
               :: true -> state[my] = unknown
               fi;
               reply[my] = 0
           }
        fi;

round_end:
        /* 7. record, then release the lock */
        atomic {
            if :: CRASH :: true fi;
#ifndef NO_LOCK
            if :: lock == me + 1 -> lock = 0 :: else fi;
#endif
            st = 0; blocked = 0; force = 0; sent = 0; my = NROWS;
            STRICT(ovrd = 0)
        }
    :: else -> break
    od;
    alive[me] = 0;     /* the process exits normally */
dead:
    skip
}

init
{
    atomic {
        alive[0] = 1; alive[1] = 1; alive[2] = 1;
        run Login(0, 2);   /* the service: two rounds */
        run Login(1, 1);   /* a CLI login */
        run Login(2, 1)    /* a tray click */
    }
}
