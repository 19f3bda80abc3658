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
 * Stronger property, known not to hold (see README): -DSTRICT_FORCE
 * Reachability witnesses (each must be violated): -DWITNESS=1 .. 5
 *
 * Assertions:
 *  (a) at a send: no outletLogin is sent while an earlier one is open (sent, and
 *      InstantPay has not finished processing it);
 *  (b) at a send: no outletLogin is sent while InstantPay holds a LOGGEDIN for the day
 *      (that is, unless the bank cancelled it since), and never without
 *      --force after a login the ledger knows of;
 *  (c) at receipt: every request InstantPay receives already has a ledger row;
 *  (d) at settling: an attempt settled as loggedin from outletLoginStatus did
 *      log in.
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
                remote = LOGGEDIN; ipres[id] = ip_loggedin
            :: remote == LOGGEDIN -> ipres[id] = ip_loggedin   /* charged again */
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

proctype Login(byte me; byte rounds)
{
    byte r = 0;
    bit  force, blocked, sent;
    mtype st;
    byte old;              /* bit i: attempt i was older than WINDOW when the
                              status call started                            */
    byte i;
    byte my = NROWS;       /* this round's attempt id; NROWS: none           */

    do
    :: r < rounds ->
        r++;

        /* 1. one owner of the chargeable login per state dir: wait for it */
#ifndef NO_LOCK
        atomic { lock == 0 -> lock = me + 1; if :: force = 1 :: force = 0 fi }
#else
        if :: force = 1 :: force = 0 fi
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
                               state[i] = loggedin; resolved[i] = 1; ipres[i] = 0
#ifdef SETTLE_ON_FIRST_LOGINREQUIRED
                           :: st == LOGINREQUIRED ->
#else
                           :: st == LOGINREQUIRED && (old >> i) & 1 ->
#endif
                               resolved[i] = 1; ipres[i] = 0 /* not logged in, charge unknown */
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
               :: !force && ANY_LOCALLY_LOGGEDIN -> goto round_end  /* local check */
               :: else
               fi
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
                   row[my] = 1; state[my] = sending; owner[my] = me
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
#ifdef STRICT_FORCE
               assert(force || !cancelled);
#endif
#if WITNESS == 1
               assert(!cancelled);              /* a login again after a cancel */
#elif WITNESS == 2
               assert(!(resolved[0] && state[0] == unknown && !cancelled)); /* retry after a settled unknown */
#endif
               req!my; sent = 1; nopen++
           }
        :: atomic {
               /* refused before it left (connect error): nothing charged */
               pend[my] = 0;
#ifndef NO_LEDGER_FIRST
               state[my] = rejected;
#endif
               goto round_end
           }
        fi;

#ifdef NO_LEDGER_FIRST
        if
        :: CRASH
        :: atomic { row[my] = 1; state[my] = sending; owner[my] = me }
        fi;
#endif

        /* the reply, or no usable reply (read timeout, reset): the timeout
           is left free, as only the settle window's bound matters */
        if
        :: CRASH
        :: atomic {
               if
               :: reply[my] == LOGGEDIN -> state[my] = loggedin; ipres[my] = 0
               :: reply[my] == LOGINREQUIRED -> state[my] = rejected; ipres[my] = 0 /* mismatch */
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
            st = 0; blocked = 0; force = 0; sent = 0; my = NROWS
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
