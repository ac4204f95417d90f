package bonded

import (
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// Limits, from the CEB 2022-05 schema (emsNo, itemRecordNo, gname) where it has one.
const (
	MaxEmsNo        = 30
	MaxItemRecordNo = 30
	MaxGname        = 250
	MaxFirmName     = 100
	MaxRef          = 64
	// MaxItemRecords bounds an account's item records: the account document lists them all.
	MaxItemRecords = 5000
)

// State is where an account stands.
type State string

// Account states.
const (
	StateActive    State = "active"    // takes receipts and reservations
	StateSuspended State = "suspended" // customs or the operator stopped it: no new reservations
)

// transitions are the legal state changes of an account.
var transitions = map[State][]State{
	StateActive:    {StateSuspended},
	StateSuspended: {StateActive},
}

// AccountInput is what the operator sends to register an account: the firm's registry facts
// are filled in by the app from the organisation (never a code as a name).
type AccountInput struct {
	EmsNo       string
	FirmOrgID   string // the organisation holding the account
	FirmCode    string // its customs code: the iacCode of the lists
	FirmName    string // its registered name: the iacName
	CustomsCode string // the customs district supervising the zone, 4 digits
}

// Account is a bonded account book.
type Account struct {
	emsNo       string
	firmOrgID   string
	firmCode    string
	firmName    string
	customsCode string
	state       State
	items       []string // item record numbers, in the order registered
	createdAt   time.Time
	updatedAt   time.Time
	version     int64
}

// NewAccount checks an input and makes an active account. Codes: required, too_long,
// invalid_ems_no, invalid_customs_code (firmCode), invalid_customs_district.
func NewAccount(in AccountInput, at time.Time) (*Account, error) {
	a := &Account{
		emsNo:       strings.ToUpper(strings.TrimSpace(in.EmsNo)),
		firmOrgID:   strings.TrimSpace(in.FirmOrgID),
		firmCode:    strings.ToUpper(strings.TrimSpace(in.FirmCode)),
		firmName:    strings.TrimSpace(in.FirmName),
		customsCode: strings.TrimSpace(in.CustomsCode),
		state:       StateActive,
		createdAt:   at,
		updatedAt:   at,
	}
	var v domain.Violations
	if v.CheckText("emsNo", a.emsNo, true, MaxEmsNo) && !keyChars(a.emsNo) {
		v.Add("emsNo", "invalid_ems_no", "emsNo has letters, digits, '-' and '_' only")
	}
	v.CheckText("firmId", a.firmOrgID, true, 64)
	if v.CheckText("firmCode", a.firmCode, true, 18) {
		if err := code.CheckPartyCode(a.firmCode); err != nil {
			v.AddError("firmCode", err)
		}
	}
	v.CheckText("firmName", a.firmName, true, MaxFirmName)
	if v.CheckText("customsCode", a.customsCode, true, 4) && (len(a.customsCode) != 4 || strings.Trim(a.customsCode, "0123456789") != "") {
		v.Add("customsCode", "invalid_customs_district", "customsCode is a 4-digit customs district")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// keyChars reports whether s may be part of a document id: ASCII letters, digits, "-", "_".
func keyChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// AddItemRecord lists a new item record in the account. Codes: item_record_exists (Conflict),
// too_many_item_records.
func (a *Account) AddItemRecord(itemRecordNo string, at time.Time) error {
	if slices.Contains(a.items, itemRecordNo) {
		return domain.Errorf(domain.KindConflict, "item_record_exists", "item record %s is registered in account %s already / 料号已备案", itemRecordNo, a.emsNo)
	}
	if len(a.items) >= MaxItemRecords {
		return domain.Errorf(domain.KindFailedPrecondition, "too_many_item_records", "an account holds at most %d item records / 账册料号数已达上限", MaxItemRecords)
	}
	a.items = append(a.items, itemRecordNo)
	a.updatedAt = at
	return nil
}

// MoveTo changes the account's state; an illegal move is illegal_transition.
func (a *Account) MoveTo(to State, at time.Time) error {
	if !slices.Contains(transitions[a.state], to) {
		return domain.Errorf(domain.KindFailedPrecondition, domain.CodeIllegalTransition, "an account %s cannot become %s / 账册状态不可变更", a.state, to)
	}
	a.state, a.updatedAt = to, at
	return nil
}

// Usable refuses what a suspended account may not do (account_suspended).
func (a *Account) Usable() error {
	if a.state != StateActive {
		return domain.Errorf(domain.KindFailedPrecondition, "account_suspended", "bonded account %s is %s / 保税账册已暂停使用", a.emsNo, a.state)
	}
	return nil
}

// HasItemRecord reports whether the account lists itemRecordNo.
func (a *Account) HasItemRecord(itemRecordNo string) bool {
	return slices.Contains(a.items, itemRecordNo)
}

func (a *Account) EmsNo() string         { return a.emsNo }
func (a *Account) FirmOrgID() string     { return a.firmOrgID }
func (a *Account) FirmCode() string      { return a.firmCode }
func (a *Account) FirmName() string      { return a.firmName }
func (a *Account) CustomsCode() string   { return a.customsCode }
func (a *Account) State() State          { return a.state }
func (a *Account) ItemRecords() []string { return slices.Clone(a.items) }
func (a *Account) CreatedAt() time.Time  { return a.createdAt }
func (a *Account) UpdatedAt() time.Time  { return a.updatedAt }
func (a *Account) Version() int64        { return a.version }

// AccountRecord is an account as stored.
type AccountRecord struct {
	EmsNo, FirmOrgID, FirmCode, FirmName, CustomsCode string
	State                                             State
	ItemRecords                                       []string
	CreatedAt, UpdatedAt                              time.Time
	Version                                           int64
}

// AccountFromDatabase rebuilds a stored account without checking it again.
func AccountFromDatabase(r AccountRecord) *Account {
	return &Account{emsNo: r.EmsNo, firmOrgID: r.FirmOrgID, firmCode: r.FirmCode, firmName: r.FirmName,
		customsCode: r.CustomsCode, state: r.State, items: slices.Clone(r.ItemRecords),
		createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, version: r.Version}
}
