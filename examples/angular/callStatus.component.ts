import { ChangeDetectionStrategy, Component, inject } from "@angular/core";
import { AcsCredentialService } from "./acsCredential.service.js";

/** Shows the credential's state from the signal: no subscription to manage. */
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
  readonly state = inject(AcsCredentialService).state;
}
