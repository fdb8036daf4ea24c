// Command nri-runtime is the runtime's side of NRI taken from the nri module itself (the code
// containerd runs), for testing the Java library against it. It listens on the socket given as its
// argument, accepts one external plugin, synchronizes it with one pod and container, then drives a
// fixed script of calls. Each result is printed on stdout as "STEP BASE64" (the response in
// protobuf binary) or "STEP-error MESSAGE", for the Java test to check. With NRI_BENCH_CALLS=N in
// its environment it also times N more CreateContainer calls, each for a new pod, as containerd makes
// them, and prints "round-trip-us" with every call's duration in microseconds.
package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/nri/pkg/adaptation"
	"google.golang.org/protobuf/proto"
)

func main() {
	if len(os.Args) != 3 {
		fail("usage: nri-runtime SOCKET EMPTY_PLUGIN_DIR")
	}
	socket, pluginDir := os.Args[1], os.Args[2]

	pod := &adaptation.PodSandbox{Id: "pod-1", Name: "web", Uid: "uid-1", Namespace: "default"}
	running := &adaptation.Container{Id: "running", PodSandboxId: "pod-1", Name: "app"}
	synced := make(chan struct{}, 1)
	syncFn := func(ctx context.Context, cb adaptation.SyncCB) error {
		_, err := cb(ctx, []*adaptation.PodSandbox{pod}, []*adaptation.Container{running})
		synced <- struct{}{}
		return err
	}
	updateFn := func(context.Context, []*adaptation.ContainerUpdate) ([]*adaptation.ContainerUpdate, error) {
		return nil, nil
	}
	r, err := adaptation.New("go-nri-runtime", "v0.11.0", syncFn, updateFn,
		adaptation.WithSocketPath(socket),
		adaptation.WithPluginPath(pluginDir),
		adaptation.WithPluginConfigPath(pluginDir))
	if err != nil {
		fail("new adaptation: %v", err)
	}
	if err := r.Start(); err != nil {
		fail("start: %v", err)
	}
	// Start synchronizes the plugins it launched itself (none); only the next one is ours.
	select {
	case <-synced:
	default:
	}
	fmt.Println("listening")

	select {
	case <-synced:
		fmt.Println("synchronized")
	case <-time.After(30 * time.Second):
		fail("no plugin synchronized within 30 s")
	}

	ctx := context.Background()
	// The plugin joins the runtime's list just after synchronizing; wait for its first answer.
	deadline := time.Now().Add(10 * time.Second)
	for {
		rpl, err := r.CreateContainer(ctx, create("target", mounts()))
		if err == nil && len(rpl.GetAdjust().GetMounts()) > 0 {
			report("create-target", rpl, nil)
			break
		}
		if time.Now().After(deadline) {
			fail("the plugin never adjusted the target container (last error %v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	if calls, err := strconv.Atoi(os.Getenv("NRI_BENCH_CALLS")); err == nil && calls > 0 {
		durations := make([]string, 0, calls)
		for i := 0; i < calls; i++ {
			req := create(fmt.Sprintf("bench-%d", i), mounts())
			req.Pod = &adaptation.PodSandbox{
				Id: fmt.Sprintf("pod-bench-%d", i), Name: fmt.Sprintf("web-%d", i),
				Uid: fmt.Sprintf("uid-bench-%d", i), Namespace: "default",
				Labels: map[string]string{"app": "bench"},
			}
			req.Container.PodSandboxId = req.Pod.Id
			start := time.Now()
			if _, err := r.CreateContainer(ctx, req); err != nil {
				fail("bench call %d: %v", i, err)
			}
			durations = append(durations, strconv.FormatInt(time.Since(start).Microseconds(), 10))
		}
		fmt.Println("round-trip-us " + strings.Join(durations, " "))
	}

	big := create("big", mounts())
	for i := 0; i < 2000; i++ {
		big.Container.Env = append(big.Container.Env, fmt.Sprintf("VARIABLE_%d=%s", i, strings.Repeat("v", 20)))
	}
	rpl, err := r.CreateContainer(ctx, big)
	report("create-big", rpl, err)

	rpl, err = r.CreateContainer(ctx, create("refused", mounts()))
	report("create-refused", rpl, err)

	rpl, err = r.CreateContainer(ctx, create("other", mounts()))
	report("create-other", rpl, err)

	err = r.RemoveContainer(ctx, &adaptation.StateChangeEvent{Pod: pod, Container: running})
	if err != nil {
		fail("remove container: %v", err)
	}
	fmt.Println("removed")

	r.Stop()
	fmt.Println("stopped")
}

func create(name string, m []*adaptation.Mount) *adaptation.CreateContainerRequest {
	return &adaptation.CreateContainerRequest{
		Pod: &adaptation.PodSandbox{Id: "pod-1", Name: "web", Uid: "uid-1", Namespace: "default"},
		Container: &adaptation.Container{
			Id: "ctr-" + name, PodSandboxId: "pod-1", Name: name, Mounts: m,
		},
	}
}

func mounts() []*adaptation.Mount {
	return []*adaptation.Mount{
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"rw"}},
		{Destination: "/etc/hosts", Type: "bind", Source: "/var/lib/hosts", Options: []string{"rbind"}},
	}
}

func report(step string, rpl proto.Message, err error) {
	if err != nil {
		fmt.Printf("%s-error %s\n", step, strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	data, err := proto.Marshal(rpl)
	if err != nil {
		fail("marshal %s: %v", step, err)
	}
	fmt.Printf("%s %s\n", step, base64.StdEncoding.EncodeToString(data))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "nri-runtime: "+format+"\n", args...)
	os.Exit(1)
}
