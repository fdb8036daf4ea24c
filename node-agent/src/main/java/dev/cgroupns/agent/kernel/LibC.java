package dev.cgroupns.agent.kernel;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The libc functions and raw system calls the agent needs, bound once through jnr-ffi.
 *
 * <p>Public only because jnr-ffi generates its implementation in another class loader; use {@link
 * Kernel}.
 *
 * <p>The mount API calls (open_tree, move_mount, fsopen, ...) have no glibc wrapper on every
 * distribution, so they go through {@code syscall(2)}; each gets its own fixed-signature overload,
 * which is safe on x86_64 and aarch64 because every argument is an integer or a pointer.
 */
@SaveError
public interface LibC {
  int unshare(int flags);

  int geteuid();

  int setns(int fd, int nstype);

  int open(String path, int flags, int mode);

  int close(int fd);

  long read(int fd, @Out byte[] buffer, long count);

  long pread(int fd, @Out byte[] buffer, long count, long offset);

  long write(int fd, @In byte[] buffer, long count);

  int fchdir(int fd);

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int umount2(String target, int flags);

  /** gettid(2), open_tree(2)-free calls with no argument. */
  long syscall(long number);

  /** fsopen(fsname, flags). */
  long syscall(long number, String a, int b);

  /** open_tree(dfd, path, flags), fsmount(fd, flags, attr). */
  long syscall(long number, int a, String b, int c);

  /** fsmount(fd, flags, attr). */
  long syscall(long number, int a, int b, int c);

  /** fsconfig(fd, cmd, key, value, aux). */
  long syscall(long number, int a, int b, String c, String d, int e);

  /** move_mount(from_dfd, from_path, to_dfd, to_path, flags). */
  long syscall(long number, int a, String b, int c, String d, int e);

  /**
   * mount_setattr(dfd, path, flags, attr, size), openat2(dfd, path, how, size) with a u64 array.
   */
  long syscall(long number, int a, String b, int c, @In long[] d, long e);

  /** openat2(dfd, path, how, size). */
  long syscall(long number, int a, String b, @In long[] c, long d);

  /** fcntl(fd, cmd, struct flock *): the lock commands, whose third argument is a struct. */
  long syscall(long number, int a, int b, @In byte[] c);

  /** statx(dfd, path, flags, mask, buffer). */
  long syscall(long number, int a, String b, int c, int d, @Out byte[] e);
}
