package engine

// The lifecycles of outgoing and incoming documents, as data: one table each. Every
// change of state goes through Engine.transition, which looks the action up here and
// refuses anything the table does not allow.

// Outgoing states (văn bản đi), following Decree 30 Art. 10–19.
const (
	StateDraft        State = "draft"         // dự thảo
	StateInReview     State = "in_review"     // kiểm tra nội dung, thể thức
	StateReviewed     State = "reviewed"      // every review step approved
	StateApproved     State = "approved"      // duyệt bản thảo by the signer
	StateSigned       State = "signed"        // ký số by the leader
	StateNumbered     State = "numbered"      // cấp số, ngày; đăng ký văn bản đi
	StateAgencySigned State = "agency_signed" // ký số của cơ quan
	StateDispatched   State = "dispatched"    // phát hành
	StateFiled        State = "filed"         // lưu, lập hồ sơ
	StateReturned     State = "returned"      // trả lại để sửa
	StateRecalled     State = "recalled"      // thu hồi
)

// Incoming states (văn bản đến), following Decree 30 Art. 20–24.
const (
	StateReceived         State = "received"           // tiếp nhận, integrity checked
	StateRegistered       State = "registered"         // đăng ký, số đến
	StatePresented        State = "presented"          // trình lãnh đạo
	StateDirected         State = "directed"           // ý kiến chỉ đạo, chủ trì / phối hợp
	StateInProgress       State = "in_progress"        // đang giải quyết
	StateCompleted        State = "completed"          // hoàn thành
	StateReturnedToSender State = "returned_to_sender" // trả lại nơi gửi
	StateCancelled        State = "cancelled"          // huỷ because the sender recalled it
)

// Action is something a user does to a document.
type Action string

const (
	ActionSubmit      Action = "submit"       // drafter sends the draft for review
	ActionReview      Action = "review"       // a reviewer approves their step
	ActionApprove     Action = "approve"      // the signer approves the draft
	ActionSendBack    Action = "send_back"    // return the draft for revision
	ActionSign        Action = "sign"         // the leader signs
	ActionIssue       Action = "issue"        // the clerk numbers and registers
	ActionAgencySign  Action = "agency_sign"  // the clerk applies the agency signature
	ActionDispatch    Action = "dispatch"     // the clerk sends it to the recipients
	ActionFile        Action = "file"         // put into a record
	ActionRecall      Action = "recall"       // thu hồi
	ActionRegister    Action = "register"     // clerk registers an incoming document
	ActionReject      Action = "reject"       // clerk returns it to the sender
	ActionPresent     Action = "present"      // clerk presents it to the leader
	ActionDirect      Action = "direct"       // leader directs: lead, cooperating, deadlines
	ActionStart       Action = "start"        // an assignee starts work
	ActionComplete    Action = "complete"     // the lead finishes
	ActionCancel      Action = "cancel"       // the sender recalled it (system)
	ActionCreateDraft Action = "create_draft" // not a transition: a new document
)

// Transition is one row of a lifecycle table.
type Transition struct {
	From  []State
	To    State
	Roles []Role // who may do it, in the document's agency
}

var (
	drafters  = []Role{RoleSpecialist, RoleUnitHead, RoleDeputyLeader, RoleLeader}
	leaders   = []Role{RoleLeader, RoleDeputyLeader}
	reviewers = []Role{RoleUnitHead, RoleDeputyLeader, RoleLeader, RoleClerk, RoleSpecialist}
	clerks    = []Role{RoleClerk}
	handlers  = []Role{RoleUnitHead, RoleSpecialist}
)

// OutgoingLifecycle is the table of văn bản đi.
var OutgoingLifecycle = map[Action]Transition{
	ActionSubmit:     {From: []State{StateDraft, StateReturned}, To: StateInReview, Roles: drafters},
	ActionReview:     {From: []State{StateInReview}, To: StateInReview, Roles: reviewers}, // → reviewed when the last step passes
	ActionApprove:    {From: []State{StateReviewed}, To: StateApproved, Roles: leaders},
	ActionSendBack:   {From: []State{StateInReview, StateReviewed, StateApproved}, To: StateReturned, Roles: append([]Role{RoleUnitHead, RoleClerk}, leaders...)},
	ActionSign:       {From: []State{StateApproved}, To: StateSigned, Roles: leaders},
	ActionIssue:      {From: []State{StateSigned}, To: StateNumbered, Roles: clerks},
	ActionAgencySign: {From: []State{StateNumbered}, To: StateAgencySigned, Roles: clerks},
	ActionDispatch:   {From: []State{StateAgencySigned}, To: StateDispatched, Roles: clerks},
	ActionFile:       {From: []State{StateDispatched}, To: StateFiled, Roles: []Role{RoleClerk, RoleArchivist}},
	ActionRecall:     {From: []State{StateDispatched, StateFiled}, To: StateRecalled, Roles: append([]Role{RoleClerk}, leaders...)},
}

// IncomingLifecycle is the table of văn bản đến.
var IncomingLifecycle = map[Action]Transition{
	ActionRegister: {From: []State{StateReceived}, To: StateRegistered, Roles: clerks},
	ActionReject:   {From: []State{StateReceived}, To: StateReturnedToSender, Roles: clerks},
	ActionPresent:  {From: []State{StateRegistered}, To: StatePresented, Roles: clerks},
	ActionDirect:   {From: []State{StatePresented}, To: StateDirected, Roles: leaders},
	ActionStart:    {From: []State{StateDirected}, To: StateInProgress, Roles: handlers},
	ActionComplete: {From: []State{StateDirected, StateInProgress}, To: StateCompleted, Roles: handlers},
	ActionFile:     {From: []State{StateCompleted}, To: StateFiled, Roles: []Role{RoleClerk, RoleArchivist, RoleSpecialist, RoleUnitHead}},
	ActionCancel: {From: []State{StateReceived, StateRegistered, StatePresented, StateDirected, StateInProgress, StateCompleted},
		To: StateCancelled}, // by the system when the sender recalls
}

// lifecycleOf returns the table for a flow.
func lifecycleOf(f Flow) map[Action]Transition {
	if f == Outgoing {
		return OutgoingLifecycle
	}
	return IncomingLifecycle
}

func (t Transition) allowsFrom(s State) bool {
	for _, f := range t.From {
		if f == s {
			return true
		}
	}
	return false
}

func (t Transition) allowsRole(r Role) bool {
	for _, allowed := range t.Roles {
		if allowed == r {
			return true
		}
	}
	return false
}
