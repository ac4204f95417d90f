package domain

import (
	"errors"
	"fmt"
	"testing"
)

func TestSentinelsMatchByCode(t *testing.T) {
	raised := Errorf(KindFailedPrecondition, CodeIllegalTransition, "parcel %s cannot move", "p1")
	wrapped := fmt.Errorf("update: %w", raised)
	if !errors.Is(wrapped, ErrIllegalTransition) {
		t.Error("a wrapped illegal_transition is not recognised")
	}
	if errors.Is(wrapped, ErrBookingClosed) || errors.Is(errors.New("illegal_transition"), ErrIllegalTransition) {
		t.Error("only an *Error with the same code matches")
	}
	if !errors.Is(raised, &Error{Kind: KindFailedPrecondition, Code: CodeIllegalTransition}) ||
		errors.Is(raised, &Error{Kind: KindConflict, Code: CodeIllegalTransition}) {
		t.Error("a target with a kind matches that kind only")
	}
	if CodeOf(wrapped) != CodeIllegalTransition || CodeOf(errors.New("x")) != CodeInternal {
		t.Errorf("CodeOf: %s, %s", CodeOf(wrapped), CodeOf(errors.New("x")))
	}
}

// Text a customs message cannot carry is refused where it comes in, naming the field.
func TestCheckTextRefusesWhatXMLCannotCarry(t *testing.T) {
	for _, s := range []string{"a\u0001b", "\u001b[31m红", "x\ufffe", "x\uffff", "bad \xff utf-8"} {
		var v Violations
		if v.CheckText("gname", s, true, 250) || len(v.Fields()) != 1 || v.Fields()[0].Code != "invalid_character" || v.Fields()[0].Field != "gname" {
			t.Errorf("%q: %v", s, v.Fields())
		}
	}
	for _, s := range []string{"蓝牙耳机 TWS", "line one\nline two\ttab\r", "Łódź – 😀"} {
		var v Violations
		if !v.CheckText("note", s, true, 250) {
			t.Errorf("%q refused: %v", s, v.Fields())
		}
	}
}
