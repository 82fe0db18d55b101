// Package passwordsafe is a client for the BeyondTrust Password Safe public
// REST API (v3): read a secret from Secrets Safe by its path, find a
// managed account by name, ask for access to it, get the request approved,
// read the released password or key, open SSH and RDP sessions through the
// vault, watch and end sessions, and check the account back in.
//
// # Client
//
// NewClient takes the API's base URL and one way to sign in (WithAPIKey, or
// WithOAuthClientCredentials); NewClientFromEnv reads both, and the TLS
// settings, from PS_URL, PS_API_KEY and the other PS_ variables. Neither
// does network I/O: the first call signs
// in (POST Auth/SignAppin), concurrent first calls share one sign-in, and a
// session the server dropped is signed in again, once, transparently. A
// Client is safe for concurrent use by many goroutines. Its services group
// the calls: Secrets, Folders and Safes (Secrets Safe), Requests, Aliases,
// ManagedAccounts and Sessions; the inventory, ManagedSystems, Assets,
// Workgroups, Users and UserGroups; Do reaches any endpoint without a
// typed method.
//
// # Secrets Safe
//
// SecretsService.Find reads a secret by its path, "prod/db/postgres" (the
// folder path and the title), in one call, and checks that the answer is
// the secret asked for: none is ErrNotFound, several a *FindError. A
// Credential secret's value is in Password, a Text secret's in Text, both
// Secret; a File secret's content streams into an io.Writer with File, at
// most FileSecretMaxBytes. The Secrets, Folders and Safes services list,
// create, update, share, move and delete them.
//
// The borrow-and-return helpers (RequestsService.Checkout,
// AliasesService.Checkout, ManagedAccountsService.Checkout) create the
// request, wait for approval, run a function with the credential and always
// check the request in (with CheckinReason). They never leave a request of
// their own open and never take over another process's: a lost answer to
// the POST is resolved only to a request that was not open before it, and
// a context that ends while the POST is in flight leaves the check-in to
// the Client, which Client.SignOut waits for.
//
// # Inventory
//
// Locking a system's sessions, ending a user's requests, listing a
// system's accounts: these take IDs, and a user knows names. Each
// inventory service finds by name what the API can filter by name
// (ManagedSystemsService.Find, AssetsService.Find, WorkgroupsService.Find,
// UsersService.Find, UserGroupsService.Find and FindSmartRule): the name
// is escaped, the answer is checked against it, none is ErrNotFound and
// several an error. Lists that the server pages have an All that reads
// page after page as the loop asks for more (PageOptions for the page).
// Platforms and functional accounts are read through ManagedSystems,
// databases through Assets, Smart Rules and access levels through
// UserGroups. The administrator's calls on managed accounts (ListBySystem,
// GetByID, Create, Update, Delete, SetCredentials, ChangeCredentials,
// TOTP) sit beside the requester's on ManagedAccountsService.
//
// # Errors
//
// Every call returns one of these, each reachable with errors.As:
//
//   - *ValidationError: the input was refused before anything was sent
//     (errors.Is(err, ErrValidation)).
//   - *ErrorResponse: the server answered outside 2xx. Its Is method maps
//     the status and the server's 4-digit reason code to the sentinels
//     ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict,
//     ErrRateLimited, ErrNoPermission (4031), ErrRequestorOnly (4032),
//     ErrApproverOnly (4033), ErrNotApproved (4034),
//     ErrNotEnoughApprovers (4035), ErrAlreadyApproved (4036) and
//     ErrAPIVersionDisabled (410 to WithAPIVersion). Redirects are never
//     followed: a 3xx is an *ErrorResponse too.
//   - *DecodeError: a 2xx answer the client could not read (not the JSON
//     the call expects, or a credential that is not valid UTF-8). The server
//     may have acted; a POST is not sent again.
//   - *CheckoutError: a Checkout that stopped before its function ran (a
//     409, a wait that ended first, ctx ended while the request was being
//     made: Background): it carries the request's ID, whether it was
//     checked in, and what to do next, and unwraps to the cause. A request
//     denied or expired while Checkout or WaitCredentials waited matches
//     ErrDenied or ErrExpired.
//   - *AccountMismatchError: a lookup by name (ManagedAccountsService.Get,
//     and so Checkout) answered with another account than the one named.
//   - *BodyTooLargeError: a 2xx answer larger than the call accepts (1 MiB
//     for one object, 16 MiB for a session file or snapshot, 256 MiB for a
//     list, FileSecretMaxBytes for a file secret).
//   - *FindError: a Find by path (SecretsService.Find, FoldersService.Find)
//     that found nothing there (errors.Is(err, ErrNotFound)) or several.
//   - a *url.Error (wrapped) when no answer arrived: the connection failed
//     or broke off, or the context ended, in which case errors.Is(err,
//     context.Canceled) or errors.Is(err, context.DeadlineExceeded) holds.
//
// Every message starts with "passwordsafe: " and names the method and path.
//
// # Retries
//
// go-retryablehttp runs the attempts. GET, PUT and DELETE are repeated on
// transport errors, 429, 502, 503 and 504 (DefaultRetryPolicy); POST only
// on 429 and on errors that prove nothing was sent. A POST that may have
// reached the server is never sent twice. Retry-After is honoured up to
// 30 s. See WithRetries, and WithRetryPolicy and WithBackoff to bring a
// go-retryablehttp policy of your own. No call hangs: the SDK's transport
// ends a call the server sends nothing for within WithIdleReadTimeout,
// over HTTP/1.1 and HTTP/2 alike.
//
// # Secrets
//
// The API key, run-as password, OAuth secret, bearer tokens, session
// cookies and every retrieved credential never appear in an error, a log
// record or the fmt output of any value of this package, and nothing
// reachable from a returned value (a *Response, an error, the request
// behind them and its context) holds one. Credentials arrive as Secret,
// which prints as [REDACTED]; call Value to use one.
package passwordsafe
