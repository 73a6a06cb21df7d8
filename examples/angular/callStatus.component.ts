import { ChangeDetectionStrategy, Component } from "@angular/core";
import { injectCredentialState } from "rx-communication-common/angular";

/** Shows the credential's state from a signal: no subscription to manage. */
@Component({
  selector: "app-call-status",
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (state().status) {
      @case ("ready") {
        <span>Connected</span>
      }
      @case ("failed") {
        <span>Reconnecting…</span>
      }
      @default {
        <span>{{ state().status }}</span>
      }
    }
  `,
})
export class CallStatusComponent {
  readonly state = injectCredentialState();
}
