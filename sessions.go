package passwordsafe

// SessionsService lists, opens, locks, terminates and replays sessions.
type SessionsService service
