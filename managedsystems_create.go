package passwordsafe

import (
	"math"
	"time"
)

// The bodies of ManagedSystemsService.CreateOnAsset, CreateOnDatabase,
// CreateOnWorkgroup and Update. Their limits are the reference's (and the
// vendor's own clients'); each is checked before anything is sent.

// ChangeFrequency is when a managed system or account changes its
// passwords: the first or the last day of the month, or every
// ChangeFrequencyDays days.
type ChangeFrequency string

// Change frequencies.
const (
	ChangeFirstDay ChangeFrequency = "first"
	ChangeLastDay  ChangeFrequency = "last"
	ChangeXDays    ChangeFrequency = "xdays"
)

// Limits of managed system bodies.
const (
	maxContactEmail       = 1000
	maxSystemDescription  = 255
	maxSystemHostName     = 128
	maxIPAddress          = 46
	maxSystemDNSName      = 225
	maxInstanceName       = 100
	maxForestName         = 64
	maxNetBIOSName        = 15
	maxOIDServiceName     = 200
	maxChangeFrequencyDay = 999
)

// ManagedSystemSettings are the password-management settings every kind
// of managed system takes. nil pointers and empty strings are not sent,
// so the server's defaults apply.
type ManagedSystemSettings struct {
	ContactEmail                      string          `json:"ContactEmail,omitempty"` // ≤ 1000 characters
	Description                       string          `json:"Description,omitempty"`  // ≤ 255 characters
	Timeout                           *int            `json:"Timeout,omitempty"`      // seconds, ≥ 1
	PasswordRuleID                    *int            `json:"PasswordRuleID,omitempty"`
	ReleaseDuration                   *int            `json:"ReleaseDuration,omitempty"`    // minutes, 1–525600, ≤ MaxReleaseDuration
	MaxReleaseDuration                *int            `json:"MaxReleaseDuration,omitempty"` // minutes, 1–525600
	ISAReleaseDuration                *int            `json:"ISAReleaseDuration,omitempty"` // minutes, 1–525600
	AutoManagementFlag                *bool           `json:"AutoManagementFlag,omitempty"`
	FunctionalAccountID               *int            `json:"FunctionalAccountID,omitempty"` // required when AutoManagementFlag is true
	CheckPasswordFlag                 *bool           `json:"CheckPasswordFlag,omitempty"`
	ChangePasswordAfterAnyReleaseFlag *bool           `json:"ChangePasswordAfterAnyReleaseFlag,omitempty"`
	ResetPasswordOnMismatchFlag       *bool           `json:"ResetPasswordOnMismatchFlag,omitempty"`
	ChangeFrequencyType               ChangeFrequency `json:"ChangeFrequencyType,omitempty"`
	ChangeFrequencyDays               *int            `json:"ChangeFrequencyDays,omitempty"` // 1–999; required with ChangeXDays
	ChangeTime                        string          `json:"ChangeTime,omitempty"`          // "HH:MM", 24-hour
}

func (o *ManagedSystemSettings) validate() error {
	var autoErr error
	if o.AutoManagementFlag != nil && *o.AutoManagementFlag && o.FunctionalAccountID == nil {
		autoErr = invalid("FunctionalAccountID", "is required when AutoManagementFlag is true")
	}
	return firstError(
		checkLen("ContactEmail", o.ContactEmail, maxContactEmail),
		checkLen("Description", o.Description, maxSystemDescription),
		checkOptRange("Timeout", o.Timeout, 1, math.MaxInt32),
		checkReleaseDurations(o.ReleaseDuration, o.MaxReleaseDuration, o.ISAReleaseDuration),
		autoErr,
		checkOptRange("FunctionalAccountID", o.FunctionalAccountID, 1, math.MaxInt32),
		checkChangeSchedule(o.ChangeFrequencyType, o.ChangeFrequencyDays, o.ChangeTime),
	)
}

// checkOptRange checks an optional number; nil is not sent.
func checkOptRange(field string, v *int, lo, hi int) error {
	if v == nil {
		return nil
	}
	return checkRange(field, *v, lo, hi)
}

// checkReleaseDurations checks the three release durations (minutes) a
// managed system or account takes.
func checkReleaseDurations(release, maxRelease, isaRelease *int) error {
	var orderErr error
	if release != nil && maxRelease != nil && *release > *maxRelease {
		orderErr = invalid("ReleaseDuration", "must be at most MaxReleaseDuration (%d), got %d", *maxRelease, *release)
	}
	return firstError(
		checkOptRange("ReleaseDuration", release, 1, maxDurationMinutes),
		checkOptRange("MaxReleaseDuration", maxRelease, 1, maxDurationMinutes),
		checkOptRange("ISAReleaseDuration", isaRelease, 1, maxDurationMinutes),
		orderErr,
	)
}

// checkChangeSchedule checks when passwords change: the frequency, its
// days (required with xdays) and the time of day.
func checkChangeSchedule(freq ChangeFrequency, days *int, at string) error {
	var daysErr error
	if freq == ChangeXDays && days == nil {
		daysErr = invalid("ChangeFrequencyDays", "is required when ChangeFrequencyType is xdays")
	}
	var timeErr error
	if _, err := time.Parse("15:04", at); at != "" && err != nil {
		timeErr = invalid("ChangeTime", "must be a 24-hour time HH:MM, got %q", at)
	}
	return firstError(
		checkEnum("ChangeFrequencyType", freq, ChangeFirstDay, ChangeLastDay, ChangeXDays),
		daysErr,
		checkOptRange("ChangeFrequencyDays", days, 1, maxChangeFrequencyDay),
		timeErr,
	)
}

// ManagedSystemAccess is how Password Safe reaches a managed system on an
// asset or in a workgroup.
type ManagedSystemAccess struct {
	Port                  *int   `json:"Port,omitempty"`                  // 1–65535; nil: the platform's default
	SSHKeyEnforcementMode *int   `json:"SshKeyEnforcementMode,omitempty"` // 0 none, 1 auto, 2 strict
	DSSKeyRuleID          *int   `json:"DSSKeyRuleID,omitempty"`
	LoginAccountID        *int   `json:"LoginAccountID,omitempty"`
	ElevationCommand      string `json:"ElevationCommand,omitempty"` // e.g. sudo
	RemoteClientType      string `json:"RemoteClientType,omitempty"` // None or EPM (API 3.1+)
}

func (o *ManagedSystemAccess) validate() error {
	return firstError(
		checkOptRange("Port", o.Port, 1, 65535),
		checkOptRange("SshKeyEnforcementMode", o.SSHKeyEnforcementMode, 0, 2),
		checkEnum("RemoteClientType", o.RemoteClientType, "None", "EPM"),
	)
}

// ManagedSystemHost is where a managed system created in a workgroup (or
// moved by Update) lives: its host, or its database instance, directory
// or cloud.
type ManagedSystemHost struct {
	HostName                           string `json:"HostName,omitempty"`     // ≤ 128 characters
	IPAddress                          string `json:"IPAddress,omitempty"`    // ≤ 46 characters
	DNSName                            string `json:"DnsName,omitempty"`      // ≤ 225 characters
	InstanceName                       string `json:"InstanceName,omitempty"` // databases, ≤ 100 characters
	IsDefaultInstance                  *bool  `json:"IsDefaultInstance,omitempty"`
	Template                           string `json:"Template,omitempty"`
	ForestName                         string `json:"ForestName,omitempty"` // directories, ≤ 64 characters
	UseSSL                             *bool  `json:"UseSSL,omitempty"`
	NetBIOSName                        string `json:"NetBiosName,omitempty"`       // ≤ 15 characters
	AccountNameFormat                  *int   `json:"AccountNameFormat,omitempty"` // 0, 1 or 2
	OracleInternetDirectoryID          string `json:"OracleInternetDirectoryID,omitempty"`
	OracleInternetDirectoryServiceName string `json:"OracleInternetDirectoryServiceName,omitempty"` // ≤ 200 characters
	AccessURL                          string `json:"AccessURL,omitempty"`                          // cloud platforms
}

func (o *ManagedSystemHost) validate() error {
	return firstError(
		checkLen("HostName", o.HostName, maxSystemHostName),
		checkLen("IPAddress", o.IPAddress, maxIPAddress),
		checkLen("DnsName", o.DNSName, maxSystemDNSName),
		checkLen("InstanceName", o.InstanceName, maxInstanceName),
		checkLen("ForestName", o.ForestName, maxForestName),
		checkLen("NetBiosName", o.NetBIOSName, maxNetBIOSName),
		checkOptRange("AccountNameFormat", o.AccountNameFormat, 0, 2),
		checkLen("OracleInternetDirectoryServiceName", o.OracleInternetDirectoryServiceName, maxOIDServiceName),
	)
}

// CreateAssetSystemOptions is the body of ManagedSystemsService.CreateOnAsset.
type CreateAssetSystemOptions struct {
	PlatformID int `json:"PlatformID"` // required: ManagedSystemsService.ListPlatforms
	ManagedSystemAccess
	ManagedSystemSettings
}

func (o *CreateAssetSystemOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(checkID("PlatformID", o.PlatformID), o.ManagedSystemAccess.validate(), o.ManagedSystemSettings.validate())
}

// CreateDatabaseSystemOptions is the body of
// ManagedSystemsService.CreateOnDatabase: the database's platform and
// instance come from the database.
type CreateDatabaseSystemOptions struct {
	ManagedSystemSettings
}

func (o *CreateDatabaseSystemOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return o.ManagedSystemSettings.validate()
}

// CreateWorkgroupSystemOptions is the body of
// ManagedSystemsService.CreateOnWorkgroup.
type CreateWorkgroupSystemOptions struct {
	EntityTypeID      EntityType `json:"EntityTypeID"` // required
	PlatformID        int        `json:"PlatformID"`   // required
	ManagedSystemHost            // HostName and IPAddress are required
	ManagedSystemAccess
	ManagedSystemSettings
}

func (o *CreateWorkgroupSystemOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkID("EntityTypeID", int(o.EntityTypeID)),
		checkID("PlatformID", o.PlatformID),
		checkRequired("HostName", o.HostName),
		checkRequired("IPAddress", o.IPAddress),
		o.ManagedSystemHost.validate(),
		o.ManagedSystemAccess.validate(),
		o.ManagedSystemSettings.validate(),
	)
}

// UpdateManagedSystemOptions is the body of ManagedSystemsService.Update.
// Only what is set is sent.
type UpdateManagedSystemOptions struct {
	WorkgroupID *int `json:"WorkgroupID,omitempty"`
	PlatformID  *int `json:"PlatformID,omitempty"`
	ManagedSystemHost
	ManagedSystemAccess
	ManagedSystemSettings
}

func (o *UpdateManagedSystemOptions) validate() error {
	if o == nil {
		return invalid("opts", "is required")
	}
	return firstError(
		checkOptRange("WorkgroupID", o.WorkgroupID, 1, math.MaxInt32),
		checkOptRange("PlatformID", o.PlatformID, 1, math.MaxInt32),
		o.ManagedSystemHost.validate(),
		o.ManagedSystemAccess.validate(),
		o.ManagedSystemSettings.validate(),
	)
}
