package main

// TaskManager.CreateTask and the methods an extension uses to drive the task
// it created (SetTaskState, UpdateProgress, SetTaskDescription).

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// TaskManager adds CreateTask to the simulator's. It holds a copy of the
// original (by value: the property collector digs the mo type out of the
// first field) and takes over its role as registry handler, which keeps
// recentTask up to date.
//
// The registry locks the embedded mutex around every call on this object and
// every property read, and PutObject needs it too; CreateTask, which already
// holds it, marks the task it puts so PutObject does not lock again.
type TaskManager struct {
	simulator.TaskManager

	creating sync.Map // task references being put by CreateTask
}

var extensionTaskCounter int64

func installTaskManager() {
	content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
	orig := simulator.Map.Get(*content.TaskManager).(*simulator.TaskManager)
	m := &TaskManager{}
	m.TaskManager.TaskManager = orig.TaskManager
	simulator.Map.RemoveHandler(orig)
	simulator.Map.Put(m)
	simulator.Map.AddHandler(m)
}

// PutObject adds every new task to recentTask, the TaskManager's and its
// entity's (ManagedEntity.recentTask, "the subset of TaskManager.recentTask
// belonging to this entity"), as vCenter keeps them: every queued or running
// task, and of the completed ones those of the last 10 minutes, at most the
// newest 200. vcsim dropped the oldest task past 200 whatever its state, so a
// long-running task fell off the list while it still ran, and it kept no
// entity's list at all: a client looking there for running tasks (vic-plugin
// deciding whether another operation holds a VCH) would see fewer than vCenter
// shows.
func (m *TaskManager) PutObject(obj mo.Reference) {
	ref := obj.Reference()
	if ref.Type != "Task" {
		return
	}
	if _, held := m.creating.Load(ref); !held {
		m.Lock()
		defer m.Unlock()
	}
	recent := keepRecent(append(append([]types.ManagedObjectReference(nil), m.RecentTask...), ref))
	simulator.Map.Update(m, []types.PropertyChange{{Name: "recentTask", Val: recent}})
	entities := map[types.ManagedObjectReference][]types.ManagedObjectReference{}
	for _, t := range append(append([]types.ManagedObjectReference(nil), m.RecentTask...), ref) {
		if info := taskInfo(t); info != nil && info.Entity != nil {
			entities[*info.Entity] = nil
		}
	}
	for _, t := range recent {
		if info := taskInfo(t); info != nil && info.Entity != nil {
			entities[*info.Entity] = append(entities[*info.Entity], t)
		}
	}
	for e, tasks := range entities {
		if entity, ok := simulator.Map.Get(e).(mo.Entity); ok {
			simulator.Map.Update(entity, []types.PropertyChange{{Name: "recentTask", Val: tasks}})
		}
	}
}

const (
	recentTaskMax  = 200
	recentTaskKeep = 10 * time.Minute
)

func taskInfo(ref types.ManagedObjectReference) *types.TaskInfo {
	switch t := simulator.Map.Get(ref).(type) {
	case *simulator.Task:
		return &t.Info
	case *ExtensionTask:
		return &t.Info
	}
	return nil
}

// keepRecent keeps every unfinished task and the newest recentTaskMax of those
// finished within recentTaskKeep, in their order.
func keepRecent(tasks []types.ManagedObjectReference) []types.ManagedObjectReference {
	done := 0
	keep := make([]bool, len(tasks))
	for i := len(tasks) - 1; i >= 0; i-- {
		info := taskInfo(tasks[i])
		if info == nil {
			continue
		}
		switch info.State {
		case types.TaskInfoStateQueued, types.TaskInfoStateRunning:
			keep[i] = true
		default:
			if done < recentTaskMax && (info.CompleteTime == nil || time.Since(*info.CompleteTime) < recentTaskKeep) {
				keep[i] = true
				done++
			}
		}
	}
	out := []types.ManagedObjectReference{}
	for i, t := range tasks {
		if keep[i] {
			out = append(out, t)
		}
	}
	return out
}

// CreateTask makes a queued task on obj for an extension to drive.
func (m *TaskManager) CreateTask(ctx *simulator.Context, req *types.CreateTask) soap.HasFault {
	body := &methods.CreateTaskBody{}
	entity := simulator.Map.Get(req.Obj)
	if entity == nil {
		body.Fault_ = simulator.Fault("", &types.ManagedObjectNotFound{Obj: req.Obj})
		return body
	}
	if req.TaskTypeId == "" {
		body.Fault_ = simulator.Fault("taskTypeId is empty", &types.InvalidArgument{InvalidProperty: "taskTypeId"})
		return body
	}
	user := req.InitiatedBy
	if user == "" && ctx.Session != nil {
		user = ctx.Session.UserName
	}

	task := &ExtensionTask{}
	task.Self = types.ManagedObjectReference{
		Type:  "Task",
		Value: fmt.Sprintf("task-ext-%d", atomic.AddInt64(&extensionTaskCounter, 1)),
	}
	obj := req.Obj
	task.Info = types.TaskInfo{
		Key:           task.Self.Value,
		Task:          task.Self,
		DescriptionId: req.TaskTypeId,
		Entity:        &obj,
		EntityName:    entityName(entity),
		State:         types.TaskInfoStateQueued,
		Cancelable:    req.Cancelable,
		Reason:        &types.TaskReasonUser{UserName: user},
		QueueTime:     time.Now(),
		ParentTaskKey: req.ParentTaskKey,
		ActivationId:  req.ActivationId,
	}
	m.creating.Store(task.Self, true)
	simulator.Map.Put(task)
	m.creating.Delete(task.Self)
	body.Res = &types.CreateTaskResponse{Returnval: task.Info}
	return body
}

func entityName(obj mo.Reference) string {
	if e, ok := obj.(mo.Entity); ok {
		return e.Entity().Name
	}
	return obj.Reference().Value
}

// ExtensionTask is a task created through CreateTask.
type ExtensionTask struct {
	simulator.Task
}

func (t *ExtensionTask) finished() bool {
	return t.Info.State == types.TaskInfoStateSuccess || t.Info.State == types.TaskInfoStateError
}

func invalidState(msg string) *soap.Fault {
	return simulator.Fault(msg, &types.InvalidState{})
}

// SetTaskState moves the task; a finished task can no longer change.
func (t *ExtensionTask) SetTaskState(req *types.SetTaskState) soap.HasFault {
	body := &methods.SetTaskStateBody{}
	if t.finished() {
		body.Fault_ = invalidState(fmt.Sprintf("task %s has already finished (%s)", t.Self.Value, t.Info.State))
		return body
	}
	now := time.Now()
	changes := []types.PropertyChange{{Name: "info.state", Val: req.State}}
	switch req.State {
	case types.TaskInfoStateQueued:
	case types.TaskInfoStateRunning:
		if t.Info.StartTime == nil {
			changes = append(changes, types.PropertyChange{Name: "info.startTime", Val: now})
		}
	case types.TaskInfoStateSuccess:
		changes = append(changes,
			types.PropertyChange{Name: "info.result", Val: req.Result},
			types.PropertyChange{Name: "info.completeTime", Val: now})
	case types.TaskInfoStateError:
		if req.Fault == nil {
			body.Fault_ = simulator.Fault("state error needs a fault", &types.InvalidArgument{InvalidProperty: "fault"})
			return body
		}
		changes = append(changes,
			types.PropertyChange{Name: "info.error", Val: req.Fault},
			types.PropertyChange{Name: "info.completeTime", Val: now})
	default:
		body.Fault_ = simulator.Fault("unknown task state", &types.InvalidArgument{InvalidProperty: "state"})
		return body
	}
	if t.Info.StartTime == nil && (req.State == types.TaskInfoStateSuccess || req.State == types.TaskInfoStateError) {
		changes = append(changes, types.PropertyChange{Name: "info.startTime", Val: now})
	}
	simulator.Map.Update(t, changes)
	body.Res = &types.SetTaskStateResponse{}
	return body
}

// UpdateProgress sets info.progress; only a running task makes progress.
func (t *ExtensionTask) UpdateProgress(req *types.UpdateProgress) soap.HasFault {
	body := &methods.UpdateProgressBody{}
	if t.Info.State != types.TaskInfoStateRunning {
		body.Fault_ = invalidState(fmt.Sprintf("task %s is %s, not running", t.Self.Value, t.Info.State))
		return body
	}
	if req.PercentDone < 0 || req.PercentDone > 100 {
		body.Fault_ = simulator.Fault("percentDone must be 0..100", &types.OutOfBounds{ArgumentName: "percentDone"})
		return body
	}
	simulator.Map.Update(t, []types.PropertyChange{{Name: "info.progress", Val: req.PercentDone}})
	body.Res = &types.UpdateProgressResponse{}
	return body
}

// SetTaskDescription sets info.description, the message clients show.
func (t *ExtensionTask) SetTaskDescription(req *types.SetTaskDescription) soap.HasFault {
	body := &methods.SetTaskDescriptionBody{}
	desc := req.Description
	simulator.Map.Update(t, []types.PropertyChange{{Name: "info.description", Val: &desc}})
	body.Res = &types.SetTaskDescriptionResponse{}
	return body
}
