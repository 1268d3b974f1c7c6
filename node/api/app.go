package api

import (
	"context"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
	"github.com/jejak/jejak/protocol/provenance"
)

// App is the part of Service about this install: who it is (organisation
// and device keys), whom it trusts, the batches it holds, and verification.
// The GUI and the command line use it through Service.
//
// Keys: the organisation key signs org, device, endorse and revoke records;
// the device key signs everything else. Publish picks the key by the
// draft's type (a correct record is signed by the key that signed the
// record it corrects). Both private keys live in the node's data folder,
// readable by the owner only. The device key is kept as it is, so daily
// records are signed without asking; the organisation key is encrypted
// with the organisation passphrase and unlocked only for the one operation
// that signs with it (the OrgPassphrase of a Draft, Setup, Restore,
// Backup or RotateDevice), then dropped. A missing or wrong organisation
// passphrase is ErrLocked and changes nothing. There is no OS keyring: the
// passphrase is the only way in.
//
// A backup file encrypted with its own passphrase (BackupKeys) is what
// moves the keys to another machine or restores them, and what recovers a
// forgotten organisation passphrase (SetOrgPassphrase with a backup). The
// two passphrases must differ: with one, forgetting it would lose both.
// Without either, this install cannot sign as the organisation (no new
// devices, no revocations, no endorsements); records already signed stay
// valid and the device key keeps signing daily records.
type App interface {
	// Identity returns this install's organisation and device. Before
	// setup, Identity.Ready is false and the keys are zero.
	//
	// Two things might happen: the identity is returned, or the node is
	// closed (ErrUnavailable).
	Identity(ctx context.Context) (Identity, error)

	// CreateIdentity makes a new organisation key and device key, saves
	// them in the data folder, publishes the org record and the device
	// delegation (seq 1 and 2 of the organisation's feed), and, when
	// s.BackupPath is set, writes an encrypted key backup there.
	//
	// The organisation key is written encrypted with s.OrgPassphrase.
	//
	// Four things might happen: the new identity is returned; s breaks a
	// rule (no name, an unknown role, a bad country code, an organisation
	// passphrase missing or too short, a backup passphrase too short or
	// the same as the organisation passphrase): ErrInvalid, nothing is
	// written; this install
	// already has an identity: ErrConflict, nothing is written; or the
	// data folder or store cannot be written: ErrUnavailable.
	CreateIdentity(ctx context.Context, s Setup) (Identity, error)

	// RestoreIdentity reads a key backup and makes its keys this install's
	// keys. A backup that holds an organisation key but no device key, or
	// any backup with r.NewDevice, gets a new device key for this
	// computer, delegated by a new device record: the way to set up a
	// second computer of the organisation (two computers signing with one
	// device key fork its feed, and verification then fails everything it
	// signed). A restored organisation key is written encrypted with
	// r.OrgPassphrase.
	//
	// Five things might happen: the restored identity is returned; the
	// passphrase is wrong, the file is damaged or missing, the backup
	// holds an organisation key and r.OrgPassphrase is too short or the
	// backup's, or r.NewDevice
	// asks for a new device key from a backup without the organisation key
	// that must delegate it: ErrInvalid (the message says which), nothing
	// is written; the backup holds an organisation key and no
	// r.OrgPassphrase is given to keep it encrypted here: ErrLocked,
	// nothing is written; this install already has a different identity:
	// ErrConflict; or the data folder or store cannot be written:
	// ErrUnavailable.
	RestoreIdentity(ctx context.Context, r Restore) (Identity, error)

	// BackupKeys writes this install's keys to b.Path, encrypted with
	// b.Passphrase. The organisation key is unlocked with b.OrgPassphrase
	// to be written. The file is written whole or not at all.
	//
	// Four things might happen: the backup is written; the passphrase is
	// too short, the same as the organisation passphrase, or there are no
	// keys yet: ErrInvalid; the organisation passphrase is missing or
	// wrong: ErrLocked; or the path cannot be written: ErrUnavailable.
	BackupKeys(ctx context.Context, b Backup) error

	// RotateDevice makes a new device key, has the organisation key
	// (unlocked with orgPassphrase) delegate it and revoke the old one
	// (naming the new one as its successor), and signs from then on with
	// the new key.
	//
	// Four things might happen: the new identity is returned; this
	// install has no organisation key (ErrUnavailable, nothing changes);
	// the organisation passphrase is missing or wrong (ErrLocked, nothing
	// changes); or the data folder or store cannot be written
	// (ErrUnavailable).
	RotateDevice(ctx context.Context, orgPassphrase string) (Identity, error)

	// RevokeDevice withdraws a device key of this organisation (a stolen
	// or lost computer's) from r.From (zero: now, by this node's clock),
	// signed by the organisation key unlocked with r.OrgPassphrase: every
	// record the key signs after that fails verification on every node
	// the revocation reaches; records it signed before stay valid. Any
	// install holding the organisation key can do it.
	//
	// Five things might happen: the identity is returned, the device
	// shown revoked; r has no reason, or names this install's own device
	// key (rotate it instead): ErrInvalid; the key is not a device of this
	// organisation: ErrNotFound; the organisation passphrase is missing
	// or wrong: ErrLocked; or this install holds no organisation key, or
	// its store fails: ErrUnavailable. Only a success changes anything.
	RevokeDevice(ctx context.Context, r DeviceRevocation) (Identity, error)

	// SetOrgPassphrase encrypts the organisation key at rest with
	// p.New, and rewrites the identity file whole or not at all. What
	// unlocks the key first: nothing while it is unprotected (an install
	// from before keys were encrypted), p.Old to change the passphrase,
	// or a key backup (p.BackupPath and p.BackupPassphrase) when the
	// organisation passphrase is forgotten: the backup's organisation key
	// must be this install's, and becomes the one kept.
	//
	// Five things might happen: the identity is returned, its
	// OrgKeyProtected set; p.New is too short, or the backup is wrong,
	// damaged or of another organisation: ErrInvalid; p.Old is missing or
	// wrong: ErrLocked; this install holds no organisation key and no
	// backup is given: ErrUnavailable; or the data folder cannot be
	// written: ErrUnavailable. Only a success changes anything.
	SetOrgPassphrase(ctx context.Context, p OrgPassphrase) (Identity, error)

	// Anchors returns the trust anchors: the keys this install believes.
	Anchors(ctx context.Context) ([]provenance.Anchor, error)
	// AddAnchor adds or renames a trust anchor and saves the list.
	// A zero key is ErrInvalid.
	AddAnchor(ctx context.Context, key protocol.PublicKey, name string) error
	// RemoveAnchor removes a trust anchor and saves the list. A key that
	// is not an anchor is ErrNotFound.
	RemoveAnchor(ctx context.Context, key protocol.PublicKey) error

	// Verify traces a batch (back to every origin, and forward to every
	// product made from it when r.Forward is set), asking peers for
	// records the store lacks, and judges it against this install's trust
	// anchors, now or as it stood at r.AsOf. A dishonest history is a
	// failed verdict in the report, not an error.
	//
	// Three things might happen: the report is returned; the batch's own
	// record is found nowhere, or it was made after r.AsOf (ErrNotFound);
	// or the node is closed or its store fails (ErrUnavailable).
	Verify(ctx context.Context, r VerifyRequest) (*provenance.Report, error)

	// Evidence is Verify that also returns the bytes of every record
	// behind the verdict (the trace and the keys, endorsements, receipts
	// and corrections around it): what an export or an offline copy
	// carries so its reader can check the verdict.
	Evidence(ctx context.Context, r VerifyRequest) (*Evidence, error)

	// ImportRecords takes records from elsewhere than a peer (a CAR file,
	// an offline copy), each given as its bytes, as if a peer had sent
	// them: each is checked as gossip and sync check records, records of a
	// newer format are kept unjudged, and what is new is announced. It is
	// all or nothing: a record that fails a check is ErrInvalid naming it
	// (its position and CID) and nothing is stored.
	ImportRecords(ctx context.Context, records [][]byte) (ImportResult, error)

	// ImportPlaces records places and harvests read from a file
	// (protocol/interop/places): the places first, then each harvest, its
	// places found by name or CID among this organisation's places and
	// those the same import creates. Nothing is signed until every harvest's
	// places are found once and every harvest is backed (ErrInvalid or
	// ErrUnbacked naming the lines otherwise). Each record is published
	// under a draft ID made from imp.Source and its position, so repeating
	// an import that was cut short records each row once. progress, when
	// not nil, hears how many of the records are done.
	ImportPlaces(ctx context.Context, imp PlaceImport, progress func(done, total int64)) (PlaceImportResult, error)

	// Batches lists batches this organisation made or received, newest
	// first, that match f.
	Batches(ctx context.Context, f BatchFilter) ([]Batch, error)
	// Batch returns one batch as this organisation sees it, or
	// ErrNotFound when the store lacks the record that made it.
	Batch(ctx context.Context, id protocol.BatchID) (Batch, error)
	// Incoming lists transfers addressed to this organisation that no
	// device of it has received yet, oldest first.
	Incoming(ctx context.Context) ([]Incoming, error)
	// Orgs lists the organisations the store knows (from their org
	// records), by name.
	Orgs(ctx context.Context) ([]Org, error)
	// Places lists the places this organisation's devices registered.
	Places(ctx context.Context) ([]Place, error)

	// Reindex rebuilds the store's indexes from its records, calling
	// progress (if not nil) as it goes.
	Reindex(ctx context.Context, progress func(done, total int64)) error
	// Check compares the store's indexes with a rebuild and returns the
	// differences (none when the store is sound).
	Check(ctx context.Context) ([]string, error)

	// SetLabelSettings sets what this install's labels' QR codes carry:
	// the resolver host and the GTIN of each product (see LabelSettings).
	// It writes them to the config file in the data folder, keeping every
	// other key the file holds, applies them to the running node and
	// returns the new identity.
	//
	// Three things might happen: the new identity is returned; the
	// resolver or a GTIN is not one a label can use: ErrInvalid, the
	// message names the field, nothing is written or changed; or the node
	// is closed or its config file cannot be read or written:
	// ErrUnavailable, nothing is changed.
	SetLabelSettings(ctx context.Context, s LabelSettings) (Identity, error)
}

// LabelSettings are what labels carry. Resolver is a host name with an
// optional port and path ("verify.example.org"); empty means the default
// (the host of the first relay or bootstrap peer given by name). GTINs maps
// a product ("CPO") to its GTIN-8, -12, -13 or -14; a product missing or
// with an empty GTIN has none. The settings replace the ones in force.
type LabelSettings struct {
	Resolver string            `json:"resolver,omitempty"`
	GTINs    map[string]string `json:"gtins,omitempty"`
}

// Identity is who this install is.
type Identity struct {
	Ready bool `json:"ready"` // an organisation and device key are set up
	// LabelResolver is the host its labels' QR codes name
	// (https://RESOLVER/b/<batch>; empty: the bare batch ID), and GTINs
	// the GS1 GTIN of each product that has one (the label is then the
	// GS1 Digital Link form): protocol.LabelPayload makes the label.
	LabelResolver string             `json:"label_resolver,omitempty"`
	GTINs         map[string]string  `json:"gtins,omitempty"`
	Org           protocol.PublicKey `json:"org"`         // the organisation key
	HasOrgKey     bool               `json:"has_org_key"` // the organisation's private key is on this install
	// OrgKeyProtected says the organisation key is encrypted at rest with
	// the organisation passphrase. HasOrgKey without it is an install
	// from before keys were encrypted: anyone who copies its data folder
	// can sign as the organisation until SetOrgPassphrase protects it.
	OrgKeyProtected bool               `json:"org_key_protected"`
	Name            string             `json:"name"` // from the latest org record
	Roles           []protocol.Role    `json:"roles,omitempty"`
	Country         string             `json:"country"`
	Device          protocol.PublicKey `json:"device"` // the device key records are signed with
	DeviceName      string             `json:"device_name"`
	// Devices are the device keys the organisation delegated, oldest
	// first.
	Devices []Device `json:"devices,omitempty"`
	// Endorsements are the endorse records that name the organisation.
	Endorsements []Endorsement `json:"endorsements,omitempty"`
	// LabelResolverDefault says LabelResolver is not set but the default:
	// the host of the first relay or bootstrap peer given by name.
	LabelResolverDefault bool `json:"label_resolver_default,omitempty"`
}

// Device is a device key an organisation delegated.
type Device struct {
	Key       protocol.PublicKey `json:"key"`
	Name      string             `json:"name"`
	Delegated time.Time          `json:"delegated"`
	Revoked   bool               `json:"revoked"` // the organisation withdrew it
	This      bool               `json:"this"`    // the key this install signs with
}

// Endorsement is one endorse record naming an organisation.
type Endorsement struct {
	Record   protocol.CID          `json:"record"`
	By       protocol.PublicKey    `json:"by"` // the certifier's key
	ByName   string                `json:"by_name"`
	Role     protocol.Role         `json:"role"`
	Cert     *protocol.Certificate `json:"cert,omitempty"`
	Time     time.Time             `json:"time"`
	Revoked  bool                  `json:"revoked"`
	Anchored bool                  `json:"anchored"` // the endorser is one of this install's trust anchors
}

// Setup is what CreateIdentity needs.
type Setup struct {
	Name       string          `json:"name"`
	Roles      []protocol.Role `json:"roles,omitempty"`
	Country    string          `json:"country"`     // ISO 3166-1 alpha-2
	RSPO       string          `json:"rspo"`        // optional RSPO member ID
	GLN        string          `json:"gln"`         // optional GS1 Global Location Number
	DeviceName string          `json:"device_name"` // optional; defaults to the host name
	BackupPath string          `json:"backup_path"` // optional; where to write an encrypted key backup
	Passphrase string          `json:"passphrase"`  // for the backup; at least protocol.MinPassphraseLength
	// OrgPassphrase encrypts the organisation key at rest (required, at
	// least protocol.MinPassphraseLength, not the backup's passphrase).
	OrgPassphrase string `json:"org_passphrase"`
}

// Restore is what RestoreIdentity needs.
type Restore struct {
	Path       string `json:"path"`
	Passphrase string `json:"passphrase"` // the backup's
	// NewDevice makes a new device key for this computer instead of
	// taking the backup's: for a second computer of the organisation.
	NewDevice bool `json:"new_device,omitempty"`
	// OrgPassphrase encrypts the backup's organisation key at rest on
	// this install; required when the backup holds one.
	OrgPassphrase string `json:"org_passphrase,omitempty"`
}

// Backup is what BackupKeys needs.
type Backup struct {
	Path       string `json:"path"`
	Passphrase string `json:"passphrase"` // encrypts the backup; not the organisation passphrase
	// OrgPassphrase unlocks the organisation key to be backed up.
	OrgPassphrase string `json:"org_passphrase,omitempty"`
}

// DeviceRevocation is what RevokeDevice needs.
type DeviceRevocation struct {
	Key           protocol.PublicKey `json:"key"`
	From          time.Time          `json:"from,omitzero"` // zero: now
	Reason        string             `json:"reason"`        // such as "laptop stolen"
	OrgPassphrase string             `json:"org_passphrase,omitempty"`
}

// OrgPassphrase is what SetOrgPassphrase needs: the new organisation
// passphrase, and what unlocks the key now (nothing when it is
// unprotected, Old, or a backup).
type OrgPassphrase struct {
	New              string `json:"new"`
	Old              string `json:"old,omitempty"`
	BackupPath       string `json:"backup_path,omitempty"`
	BackupPassphrase string `json:"backup_passphrase,omitempty"`
}

// BatchFilter selects batches. The zero filter selects every batch this
// organisation made or received.
type BatchFilter struct {
	Made     bool      `json:"made"`     // only batches this organisation made
	Received bool      `json:"received"` // only batches it received (both false: either)
	Held     bool      `json:"held"`     // only batches with something left (Left above zero)
	Text     string    `json:"text"`     // matches lot code, product or batch ID, ignoring case
	Since    time.Time `json:"since"`    // only batches made at or after Since (zero: any)
	Limit    int       `json:"limit"`    // at most this many; 0 means 500
}

// Batch is one batch as this organisation sees it.
type Batch struct {
	ID        protocol.BatchID   `json:"id"`
	Product   string             `json:"product"`
	Qty       protocol.Quantity  `json:"qty"`  // the quantity the batch was made with
	Held      protocol.Quantity  `json:"held"` // what this organisation made or received
	Left      protocol.Quantity  `json:"left"` // Held less what it consumed or sent
	Lot       string             `json:"lot"`
	Claim     *protocol.Claim    `json:"claim,omitempty"`
	Made      time.Time          `json:"made"`  // time of the record that made it
	Maker     protocol.PublicKey `json:"maker"` // organisation that made it
	MakerName string             `json:"maker_name"`
	Received  bool               `json:"received"` // it came to this organisation by a transfer
	Uses      []BatchUse         `json:"uses,omitempty"`
}

// BatchUse is where some of a batch went.
type BatchUse struct {
	Record protocol.CID       `json:"record"`
	Type   protocol.Type      `json:"type"` // process or transfer
	Qty    protocol.Quantity  `json:"qty"`
	To     protocol.PublicKey `json:"to"` // for a transfer: the receiving organisation
	ToName string             `json:"to_name"`
	Time   time.Time          `json:"time"`
	Mine   bool               `json:"mine"` // by this organisation
}

// Incoming is a transfer addressed to this organisation, not yet received.
type Incoming struct {
	Transfer protocol.CID        `json:"transfer"`
	Batch    protocol.BatchID    `json:"batch"`
	Product  string              `json:"product"`
	Qty      protocol.Quantity   `json:"qty"`
	From     protocol.PublicKey  `json:"from"` // sending organisation
	FromName string              `json:"from_name"`
	Time     time.Time           `json:"time"`
	Docs     []protocol.Document `json:"docs,omitempty"`
}

// Org is an organisation the store knows.
type Org struct {
	Key      protocol.PublicKey `json:"key"`
	Name     string             `json:"name"`
	Roles    []protocol.Role    `json:"roles,omitempty"`
	Country  string             `json:"country"`
	Endorsed bool               `json:"endorsed"` // endorsed by one of this install's trust anchors
}

// Place is a place this organisation registered.
type Place struct {
	Record protocol.CID `json:"record"`
	protocol.Place
	Time time.Time `json:"time"`
}

// VerifyRequest says what to verify: a batch, back to its origins and,
// with Forward, on to every product made from it; now, or as it stood at
// AsOf (when a due diligence statement was filed, say).
type VerifyRequest struct {
	Batch   protocol.BatchID `json:"batch"`
	Forward bool             `json:"forward,omitempty"`
	AsOf    time.Time        `json:"as_of,omitzero"`
}

// Evidence is a verification with the records behind it.
type Evidence struct {
	Report *provenance.Report `json:"report"`
	// Records are the records the verification read and could use, in
	// the order it read them, each opened (decoded, its signature and CID
	// checked) again by whoever receives it.
	Records []protocol.Signed `json:"-"`
	// Network is the Jejak network the records belong to, and Maker who
	// gathered them (the organisation's name, or the node's peer ID when
	// it has no organisation): a capsule's manifest says both.
	Network string `json:"network"`
	Maker   string `json:"maker"`
}

// ImportResult says what an import stored.
type ImportResult struct {
	Added   int `json:"added"`   // new records stored
	Known   int `json:"known"`   // records this install already held
	Pending int `json:"pending"` // authentic records of a newer format, kept for a later release
	Forks   int `json:"forks"`   // records that equivocate with one already held, kept as evidence
	Held    int `json:"held"`    // records dated ahead of this install's clock, taken when their time comes
}

// PlaceImport is what a file of places and harvests holds.
type PlaceImport struct {
	// Source names the file's content (its SHA-256, say): the same
	// content imported again records nothing twice.
	Source   string           `json:"source"`
	Places   []protocol.Place `json:"places"`
	Harvests []places.Harvest `json:"harvests"`
}

// PlaceImportResult lists the records an import made, in the file's
// order.
type PlaceImportResult struct {
	Places  []protocol.CID `json:"places"`
	Origins []protocol.CID `json:"origins"`
}
