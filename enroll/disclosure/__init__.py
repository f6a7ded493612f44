"""The disclosure catalogue (信息公开目录): what a district must publish for enrollment, and when it did."""
