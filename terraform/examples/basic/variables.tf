variable "project_id" {
  description = "Project that hosts canaryrun and the watched services."
  type        = string
}

variable "region" {
  description = "Region of canaryrun's functions and the default region of the services."
  type        = string
  default     = "europe-west1"
}

variable "function_jar_path" {
  description = "Shaded functions jar, built with `mvn -B -DskipTests package` at the repository root."
  type        = string
  default     = "../../../functions/target/canaryrun-functions.jar"
}

variable "operators" {
  description = "IAM members allowed to send operator commands."
  type        = list(string)
  default     = []
}

variable "alert_channels" {
  description = "Extra Monitoring notification channel IDs (e.g. on-call email) for the canary alerts."
  type        = list(string)
  default     = []
}
