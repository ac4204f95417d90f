package rail

import (
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
)

// ContainerType is an ISO size-type shorthand as freight forwarders write it.
type ContainerType string

// The container types a booking may ask for. Reefers (40RF) run on the China–Europe trains with
// their own power packs; they count like any other 40 ft box.
const (
	Type20GP ContainerType = "20GP" // 20 ft general purpose: 1 TEU
	Type40GP ContainerType = "40GP" // 40 ft general purpose: 2 TEU
	Type40HQ ContainerType = "40HQ" // 40 ft high cube: 2 TEU
	Type40RF ContainerType = "40RF" // 40 ft reefer: 2 TEU
)

// Vendor limits (docs/customs.md §7, [U] official): keep them named, change them here.
const (
	MaxGross20ftKg  int64 = 24_000    // gross mass of one loaded 20 ft box
	MaxGross40ftKg  int64 = 25_000    // gross mass of one loaded 40 ft box
	MaxTrainTEU           = 110       // 55 FEU: the longest train run in China
	MaxTrainCargoKg int64 = 1_300_000 // cargo mass of one scheduled train
)

// Limits of the rail texts: every stored string has one.
const (
	MaxSealNo       = 32  // a container's seal number
	MaxCancelReason = 500 // a booking's cancellation reason
	MaxLineName     = 100 // a line's name, Chinese or English
	MaxLineNote     = 500 // a line's note
)

var containerTypes = []ContainerType{Type20GP, Type40GP, Type40HQ, Type40RF}

// ContainerTypes lists the accepted types.
func ContainerTypes() []ContainerType { return append([]ContainerType(nil), containerTypes...) }

// Valid reports whether t is an accepted type.
func (t ContainerType) Valid() bool {
	for _, c := range containerTypes {
		if c == t {
			return true
		}
	}
	return false
}

// TEU is the number of twenty-foot equivalent units one box of type t takes: 1 or 2; 0 for an
// unknown type.
func (t ContainerType) TEU() int {
	switch t {
	case Type20GP:
		return 1
	case Type40GP, Type40HQ, Type40RF:
		return 2
	}
	return 0
}

// MaxGrossKg is the heaviest a loaded box of type t may be; 0 for an unknown type.
func (t ContainerType) MaxGrossKg() int64 {
	switch t.TEU() {
	case 1:
		return MaxGross20ftKg
	case 2:
		return MaxGross40ftKg
	}
	return 0
}

// ContainerRequest asks for Count boxes of one Type.
type ContainerRequest struct {
	Type  ContainerType `json:"type"`
	Count int           `json:"count"`
}

// TEUOf is the TEU the requests take together (unknown types and non-positive counts add
// nothing; CheckBookingLoad reports them).
func TEUOf(reqs []ContainerRequest) int {
	teu := 0
	for _, r := range reqs {
		if r.Count > 0 {
			teu += r.Count * r.Type.TEU()
		}
	}
	return teu
}

// MaxGrossOf is the heaviest cargo the requested boxes may carry together: the sum of each
// box's limit.
func MaxGrossOf(reqs []ContainerRequest) int64 {
	var kg int64
	for _, r := range reqs {
		if r.Count > 0 {
			kg += int64(r.Count) * r.Type.MaxGrossKg()
		}
	}
	return kg
}

// maxBoxesPerRequest bounds a count before any multiplication, so that no sum can overflow.
const maxBoxesPerRequest = MaxTrainTEU

// CheckBookingLoad checks what a booking asks to carry, reporting every problem at once with
// JSON paths:
//   - containers: at least one request (required), each type at most once (duplicate_type);
//   - containers[i].type: one of 20GP, 40GP, 40HQ, 40RF (invalid_container_type);
//   - containers[i].count: 1..110 (invalid_count);
//   - containers[i].count of 20GP: even, 20 ft boxes travel in pairs (twenty_foot_in_pairs);
//   - containers: at most one train, 110 TEU (too_many_containers);
//   - grossKg: positive (required), at most the sum of the boxes' limits (over_weight), at most
//     the 1,300 t of a train (over_weight).
func CheckBookingLoad(reqs []ContainerRequest, grossKg int64) error {
	var v domain.Violations
	if len(reqs) == 0 {
		v.Add("containers", "required", "ask for at least one container")
	}
	seen := map[ContainerType]bool{}
	allKnown := true
	for i, r := range reqs {
		path := "containers[" + strconv.Itoa(i) + "]"
		if !r.Type.Valid() {
			allKnown = false
			v.Add(path+".type", "invalid_container_type", "container type must be one of 20GP, 40GP, 40HQ, 40RF")
		} else if seen[r.Type] {
			v.Add(path+".type", "duplicate_type", "name each container type once")
		}
		seen[r.Type] = true
		switch {
		case r.Count < 1 || r.Count > maxBoxesPerRequest:
			allKnown = false
			v.Add(path+".count", "invalid_count", "count must be between 1 and "+strconv.Itoa(maxBoxesPerRequest))
		case r.Type == Type20GP && r.Count%2 != 0:
			v.Add(path+".count", "twenty_foot_in_pairs", "20 ft containers travel in pairs: book an even number")
		}
	}
	teu := TEUOf(reqs)
	if allKnown && teu > MaxTrainTEU {
		v.Add("containers", "too_many_containers", "a booking takes at most one train, "+strconv.Itoa(MaxTrainTEU)+" TEU")
	}
	switch {
	case grossKg < 1:
		v.Add("grossKg", "required", "grossKg must be a positive number of kilograms")
	case grossKg > MaxTrainCargoKg:
		v.Add("grossKg", "over_weight", "a train carries at most "+strconv.FormatInt(MaxTrainCargoKg, 10)+" kg of cargo")
	case allKnown && len(reqs) > 0 && grossKg > MaxGrossOf(reqs):
		v.Add("grossKg", "over_weight", "the containers carry at most "+strconv.FormatInt(MaxGrossOf(reqs), 10)+
			" kg gross (20 ft ≤ "+strconv.FormatInt(MaxGross20ftKg, 10)+" kg, 40 ft ≤ "+strconv.FormatInt(MaxGross40ftKg, 10)+" kg each)")
	}
	return v.Err()
}

// letterValue is the ISO 6346 value of an upper-case letter: A=10, B=12 … Z=38, skipping the
// multiples of 11 (11, 22, 33).
var letterValue = func() [26]int {
	var t [26]int
	v := 10
	for i := range t {
		if v%11 == 0 {
			v++
		}
		t[i] = v
		v++
	}
	return t
}()

// NormalizeContainerNo upper-cases s and drops the spaces and hyphens people write inside it
// ("csqu 305438-3" → "CSQU3054383").
func NormalizeContainerNo(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// ContainerCheckDigit computes the ISO 6346 check digit of the first ten characters of a
// container number (owner code, category, serial): each character's value times 2^position,
// summed, mod 11, mod 10. It reports false when the ten characters are malformed.
func ContainerCheckDigit(s string) (int, bool) {
	if len(s) < 10 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		var val int
		switch {
		case i < 3 && c >= 'A' && c <= 'Z':
			val = letterValue[c-'A']
		case i == 3 && (c == 'U' || c == 'J' || c == 'Z'):
			val = letterValue[c-'A']
		case i >= 4 && c >= '0' && c <= '9':
			val = int(c - '0')
		default:
			return 0, false
		}
		sum += val << i
	}
	return sum % 11 % 10, true
}

// CheckContainerNo accepts an ISO 6346 container number written as 11 characters: a 3-letter
// owner code, the category U (freight container), J (detachable equipment) or Z (trailer or
// chassis), a 6-digit serial, and the check digit. Code invalid_container_no.
func CheckContainerNo(s string) error {
	bad := func(msg string) error {
		return domain.InvalidField("", "invalid_container_no", msg)
	}
	if len(s) != 11 {
		return bad("a container number has 11 characters: owner code, category U/J/Z, 6 digits, check digit")
	}
	want, ok := ContainerCheckDigit(s)
	if !ok || s[10] < '0' || s[10] > '9' {
		return bad("a container number is 3 letters, U, J or Z, then 7 digits")
	}
	if int(s[10]-'0') != want {
		return bad("the check digit of " + s[:10] + " is " + strconv.Itoa(want) + ", not " + s[10:])
	}
	return nil
}
